#include "containers/images/dockerfilebuilder.h"

#include "containers/images/imagelog.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace edgedesk {

namespace {

constexpr int kProbeTimeoutMs = 15000;

QString lastLine(const QByteArray &text)
{
    const QList<QByteArray> lines = text.trimmed().split('\n');
    return QString::fromLocal8Bit(lines.isEmpty() ? QByteArray() : lines.last().trimmed());
}

// Runs one engine command, handing each line of its output over as it comes.
Status runStep(const QString &program, const QStringList &arguments, const QString &directory,
               const DockerfileBuilder::Output &output, int timeoutMs)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(directory);
    const QString command =
        QFileInfo(program).fileName() + QLatin1Char(' ') + arguments.join(QLatin1Char(' '));
    if (output)
        output(QByteArrayLiteral("$ ") + command.toLocal8Bit());
    process.start(program, arguments);
    if (!process.waitForStarted())
        return makeError(QStringLiteral("service_unavailable"),
                         QStringLiteral("cannot run %1: %2").arg(command, process.errorString()));
    QByteArray pending;
    QByteArray tail;
    QElapsedTimer clock;
    clock.start();
    auto flush = [&](bool all) {
        qsizetype newline = 0;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(newline);
            pending.remove(0, newline + 1);
            tail = line;
            if (output)
                output(line);
        }
        if (all && !pending.isEmpty()) {
            tail = pending;
            if (output)
                output(pending);
            pending.clear();
        }
    };
    while (process.state() != QProcess::NotRunning) {
        if (clock.elapsed() > timeoutMs) {
            process.kill();
            process.waitForFinished();
            return makeError(
                QStringLiteral("gateway_timeout"),
                QStringLiteral("%1 did not finish within %2 s").arg(command).arg(timeoutMs / 1000));
        }
        process.waitForReadyRead(200);
        pending += process.readAll();
        flush(false);
    }
    pending += process.readAll();
    flush(true);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return makeError(QStringLiteral("service_unavailable"),
                         QStringLiteral("%1 failed (exit code %2): %3")
                             .arg(command)
                             .arg(process.exitCode())
                             .arg(QString::fromLocal8Bit(tail)));
    return Ok{};
}

} // namespace

std::optional<DockerfileBuilder::Engine> DockerfileBuilder::findEngine(QStringList *why)
{
    for (const char *name : {"podman", "docker"}) {
        const QString engine = QLatin1String(name);
        const QString program = QStandardPaths::findExecutable(engine);
        if (program.isEmpty()) {
            if (why)
                why->append(QStringLiteral("%1: not found on PATH").arg(engine));
            continue;
        }
        QProcess probe;
        probe.start(program, {QStringLiteral("info")});
        const bool finished = probe.waitForStarted() && probe.waitForFinished(kProbeTimeoutMs);
        if (!finished)
            probe.kill();
        if (finished && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0)
            return Engine{engine, program};
        const QString said = lastLine(probe.readAllStandardError());
        if (why)
            why->append(
                QStringLiteral("%1: `%1 info` %2")
                    .arg(engine,
                         finished
                             ? QStringLiteral("fails (%1)")
                                   .arg(said.isEmpty()
                                            ? QStringLiteral("exit code %1").arg(probe.exitCode())
                                            : said)
                             : QStringLiteral("does not answer")));
        probe.waitForFinished(1000);
    }
    return std::nullopt;
}

QString DockerfileBuilder::tagFor(const QString &className)
{
    QString name;
    for (const QChar c : className.toLower())
        name += c.isLetterOrNumber() && c.unicode() < 128 ? c : QLatin1Char('-');
    return QStringLiteral("localhost/edgedesk-%1:latest").arg(name);
}

Status DockerfileBuilder::build(const Engine &engine, const QString &dockerfile,
                                const QString &context, const QString &tag, const QString &archive,
                                const Output &output, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    if (auto built = runStep(engine.program,
                             {QStringLiteral("build"), QStringLiteral("-f"), dockerfile,
                              QStringLiteral("-t"), tag, context},
                             context, output, timeoutMs);
        !built)
        return built;
    const int left = qMax(1000, timeoutMs - int(clock.elapsed()));
    if (auto saved =
            runStep(engine.program, {QStringLiteral("save"), QStringLiteral("-o"), archive, tag},
                    context, output, left);
        !saved)
        return saved;
    if (!QFileInfo(archive).isFile())
        return makeError(
            QStringLiteral("service_unavailable"),
            QStringLiteral("%1 save wrote no archive at %2").arg(engine.name, archive));
    qCInfo(lcImages).noquote() << "built" << dockerfile << "with" << engine.name << "as" << tag;
    return Ok{};
}

Error DockerfileBuilder::unavailable(const QString &dockerfile, const QString &context,
                                     const QString &className, const QStringList &why)
{
    const QString file = QDir(context).relativeFilePath(dockerfile);
    const QString name = className.toLower();
    return makeError(
        QStringLiteral("service_unavailable"),
        QStringLiteral("%1 needs a container engine to build %2, and none works here (%3). "
                       "Build it where one does, in %4: `docker build -f %2 -t %5 . && docker "
                       "save %5 -o %5.tar` (or the same with podman), then set \"image\": "
                       "\"./%5.tar\" in the configuration")
            .arg(className, file, why.join(QStringLiteral("; ")), QDir::toNativeSeparators(context),
                 name));
}

} // namespace edgedesk
