// ai-upstream-server: the test upstream as a program, for benchmarks and manual runs.
//   PORT=8799 ai-upstream-server --scenario ok --tokens 32 --token-delay-ms 20
// Then point an "ai" config at http://127.0.0.1:8799/v1 (openai) or
// http://127.0.0.1:8799/client/v4 (workers-ai).

#include "aiupstreamserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

using edgedesk::AiUpstreamServer;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ai-upstream-server"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A local AI upstream speaking the OpenAI (/v1/chat/completions), Workers AI "
        "(/client/v4/accounts/<id>/ai/run/<model>) and Ollama (/api/tags) protocols."));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port (default: $PORT, else 8799)."),
                                        QStringLiteral("port"));
    const QCommandLineOption scenarioOption(
        QStringLiteral("scenario"),
        QStringLiteral(
            "ok, unauthorized, rate-limited, server-error, stall, malformed or drop (default ok)."),
        QStringLiteral("name"), QStringLiteral("ok"));
    const QCommandLineOption tokensOption(
        QStringLiteral("tokens"),
        QStringLiteral("Answer with N generated tokens instead of the default sentence."),
        QStringLiteral("n"));
    const QCommandLineOption delayOption(QStringLiteral("token-delay-ms"),
                                         QStringLiteral("Delay between streamed tokens."),
                                         QStringLiteral("ms"), QStringLiteral("0"));
    const QCommandLineOption retryAfterOption(
        QStringLiteral("retry-after"), QStringLiteral("Retry-After seconds for rate-limited."),
        QStringLiteral("s"), QStringLiteral("1"));
    const QCommandLineOption failuresOption(
        QStringLiteral("failures"), QStringLiteral("429 answers before success for rate-limited."),
        QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption statusOption(QStringLiteral("error-status"),
                                          QStringLiteral("Status for server-error."),
                                          QStringLiteral("code"), QStringLiteral("500"));
    const QCommandLineOption dropOption(QStringLiteral("drop-after"),
                                        QStringLiteral("Tokens streamed before drop."),
                                        QStringLiteral("n"), QStringLiteral("2"));
    parser.addOptions({portOption, scenarioOption, tokensOption, delayOption, retryAfterOption,
                       failuresOption, statusOption, dropOption});
    parser.process(app);

    QTextStream err(stderr);
    const auto scenario = AiUpstreamServer::scenarioFromName(parser.value(scenarioOption));
    if (!scenario) {
        err << "unknown scenario: " << parser.value(scenarioOption) << "\n";
        return 2;
    }
    bool ok = true;
    const QString portText = parser.isSet(portOption)
                                 ? parser.value(portOption)
                                 : qEnvironmentVariable("PORT", QStringLiteral("8799"));
    const int port = portText.toInt(&ok);
    if (!ok || port < 0 || port > 65535) {
        err << "bad port: " << portText << "\n";
        return 2;
    }

    AiUpstreamServer::Settings settings;
    settings.scenario = *scenario;
    if (parser.isSet(tokensOption)) {
        const int n = parser.value(tokensOption).toInt();
        settings.tokens.clear();
        for (int i = 0; i < n; ++i)
            settings.tokens.append(i == 0 ? QStringLiteral("token0")
                                          : QStringLiteral(" token%1").arg(i));
    }
    settings.tokenDelayMs = parser.value(delayOption).toInt();
    settings.retryAfterSeconds = parser.value(retryAfterOption).toInt();
    settings.failuresBeforeSuccess = parser.value(failuresOption).toInt();
    settings.errorStatus = parser.value(statusOption).toInt();
    settings.dropAfterTokens = parser.value(dropOption).toInt();

    AiUpstreamServer server;
    server.setSettings(settings);
    if (!server.listen(quint16(port))) {
        err << "cannot listen on 127.0.0.1:" << port << "\n";
        return 1;
    }
    QTextStream out(stdout);
    out << "ai-upstream-server listening on " << server.url() << " (scenario "
        << AiUpstreamServer::scenarioName(*scenario) << ")" << Qt::endl;
    return app.exec();
}
