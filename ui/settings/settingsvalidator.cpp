#include "settings/settingsvalidator.h"

#include "configrules.h"
#include "serveroptions.h"
#include "settings/managedconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonValue>
#include <QRegularExpression>
#include <QUrl>

namespace edgedesk {

namespace {

using Field = SettingsProblem::Field;

QString tr(const char *text)
{
    return QCoreApplication::translate("SettingsPanel", text);
}

SettingsProblem problem(Field field, const QString &message, const QString &className = {})
{
    return {field, className, message};
}

SettingsProblem checkServer(const SettingsInput &in)
{
    const QString port = in.port.trimmed();
    if (!port.isEmpty()) {
        bool ok = false;
        const int value = port.toInt(&ok);
        if (!ok || value < 1 || value > 65535)
            return problem(Field::Port, tr("The port must be a whole number from 1 to 65535 (or "
                                           "empty for the default), not \"%1\".")
                                            .arg(port));
    }
    const QString bind = in.bind.trimmed();
    QHostAddress address(QHostAddress::LocalHost);
    // QHostAddress also takes inet_aton's shorthands ("1.2.3" is 1.2.0.3): only full dotted
    // quads and IPv6 addresses are meant here.
    static const QRegularExpression dottedQuad(
        QStringLiteral("^(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}$"));
    const bool wellFormed = bind.contains(QLatin1Char(':')) || dottedQuad.match(bind).hasMatch();
    if (!bind.isEmpty() && (!wellFormed || !address.setAddress(bind)))
        return problem(Field::Bind, tr("\"%1\" is not an IP address. Use 127.0.0.1 (this machine "
                                       "only), 0.0.0.0 (every network interface) or one of this "
                                       "machine's addresses.")
                                        .arg(bind));
    const QString &token = in.token;
    if (!token.isEmpty()) {
        if (token.size() < 16)
            return problem(Field::Token, tr("The access token must be at least 16 characters long "
                                            "(Generate makes a strong one)."));
        static const QRegularExpression printable(QStringLiteral("^[\\x21-\\x7e]+$"));
        if (!printable.match(token).hasMatch())
            return problem(Field::Token, tr("The access token may only contain visible ASCII "
                                            "characters (no spaces)."));
    }
    if (!address.isLoopback() && token.isEmpty())
        return problem(Field::Token, tr("Binding to %1 would let anyone on the network run "
                                        "commands through /run: set an access token first "
                                        "(Generate makes one).")
                                         .arg(bind));
    const QString dataDir = in.dataDir.trimmed();
    if (!dataDir.isEmpty()) {
        if (QDir::isRelativePath(dataDir))
            return problem(Field::DataDir,
                           tr("The data folder must be an absolute path, e.g. %1.")
                               .arg(QDir::toNativeSeparators(ServerOptions::defaultDataDir())));
        const QFileInfo info(dataDir);
        if (info.exists() && !info.isDir())
            return problem(Field::DataDir, tr("%1 is a file, not a folder.").arg(dataDir));
    }
    return {};
}

SettingsProblem checkAi(const SettingsInput &in)
{
    if (in.provider.isEmpty())
        return {};
    const bool workers = in.provider == QLatin1String("workers-ai");
    const QString baseUrl = in.baseUrl.trimmed();
    if (!baseUrl.isEmpty()) {
        const QUrl url(baseUrl, QUrl::StrictMode);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
            url.host().isEmpty() || url.hasQuery() || !url.userInfo().isEmpty())
            return problem(Field::BaseUrl,
                           tr("The base URL must start with http:// or https:// and name a host, "
                              "without a query or credentials — e.g. "
                              "http://127.0.0.1:11434/v1 for Ollama."));
    }
    const QString model = in.model.trimmed();
    if (!workers && model.isEmpty())
        return problem(Field::Model, tr("Enter the model to use, e.g. llama3.2 for Ollama or "
                                        "gpt-4o-mini for OpenAI."));
    if (!model.isEmpty() && !ConfigRules::isValidModelName(model))
        return problem(Field::Model, tr("\"%1\" is not a valid model name (letters, digits and "
                                        "@ . _ : / - only).")
                                         .arg(model));
    if (workers) {
        static const QRegularExpression id(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
        const QString account = in.account.trimmed();
        if (account.isEmpty())
            return problem(Field::Account, tr("Workers AI needs your Cloudflare account id (the "
                                              "Workers & Pages overview shows it)."));
        if (!id.match(account).hasMatch())
            return problem(Field::Account, tr("The account id may only contain letters, digits, "
                                              "'_' and '-'."));
    }
    const QString secret = aiKeySecretName(in.provider, in.secretName);
    if (const Status valid = ConfigRules::checkSecretName(secret); !valid)
        return problem(Field::SecretName, valid.error().message);
    if (workers && !in.keyTyped && !in.keyStored && in.serving)
        return problem(Field::ApiKey, tr("Workers AI needs an API token: enter it here; it is "
                                         "stored encrypted as %1.")
                                          .arg(secret));
    return {};
}

} // namespace

QString aiKeySecretName(const QString &provider, const QString &typed)
{
    if (!typed.trimmed().isEmpty())
        return typed.trimmed();
    const QString usual = ConfigRules::aiDefaults(provider).keySecret;
    return usual.isEmpty() ? QStringLiteral("OPENAI_KEY") : usual;
}

SettingsProblem validateSettings(const SettingsInput &in)
{
    if (SettingsProblem p = checkServer(in); !p.ok())
        return p;
    if (SettingsProblem p = checkAi(in); !p.ok())
        return p;
    for (const SettingsInput::SleepAfter &s : in.sleepAfter) {
        const QString text = s.text.trimmed();
        bool isNumber = false;
        const double seconds = text.toDouble(&isNumber);
        const Status parsed =
            ConfigRules::checkDuration(isNumber ? QJsonValue(seconds) : QJsonValue(text));
        if (text.isEmpty() || !parsed)
            return problem(
                Field::SleepAfter,
                tr("%1: \"sleep after\" must be a duration such as 30s, 10m or 1h%2")
                    .arg(s.className,
                         parsed ? QString() : QStringLiteral(" (%1)").arg(parsed.error().message)),
                s.className);
    }
    if (in.patched) {
        if (const Status valid = in.patched->validate(); !valid)
            return problem(Field::Configuration,
                           tr("The configuration would not load: %1").arg(valid.error().message));
    }
    return {};
}

} // namespace edgedesk
