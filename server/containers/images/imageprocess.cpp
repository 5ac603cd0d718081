#include "containers/images/imageprocess.h"

#include "containers/images/rootdirectory.h"

#include <QJsonArray>

#include <cerrno>
#include <optional>

#include <unistd.h>

namespace edgedesk {

namespace {

constexpr qsizetype kMaxDatabaseBytes = 1 << 20;
const QString kDefaultPath =
    QStringLiteral("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

// The lines of /etc/passwd or /etc/group inside the image, split at ':'; none when absent.
QList<QStringList> readDatabase(const RootDirectory &root, const QByteArray &path)
{
    QList<QStringList> rows;
    auto fd = root.openFile(path);
    if (!fd)
        return rows;
    QByteArray bytes;
    char buffer[16384];
    ssize_t n = 0;
    while ((n = ::read(fd->get(), buffer, sizeof buffer)) > 0 && bytes.size() < kMaxDatabaseBytes)
        bytes.append(buffer, n);
    for (const QByteArray &line : bytes.split('\n')) {
        if (line.trimmed().isEmpty() || line.startsWith('#'))
            continue;
        rows.append(QString::fromUtf8(line).split(QLatin1Char(':')));
    }
    return rows;
}

std::optional<quint32> number(const QString &text)
{
    bool ok = false;
    const uint value = text.toUInt(&ok);
    return ok ? std::optional<quint32>(value) : std::nullopt;
}

Error refused(const QString &message)
{
    return makeError(QStringLiteral("unprocessable"), message);
}

Status resolveUser(const QString &spec, const RootDirectory &root, ImageProcess &process)
{
    const QString user = spec.section(QLatin1Char(':'), 0, 0);
    const QString group =
        spec.contains(QLatin1Char(':')) ? spec.section(QLatin1Char(':'), 1) : QString();
    const QList<QStringList> passwd = readDatabase(root, "etc/passwd");
    const std::optional<quint32> uid = number(user.isEmpty() ? QStringLiteral("0") : user);
    const QStringList *entry = nullptr;
    for (const QStringList &row : passwd) {
        if (row.size() >= 7 && (uid ? number(row.at(2)) == uid : row.at(0) == user)) {
            entry = &row;
            break;
        }
    }
    if (!uid && !entry)
        return refused(QStringLiteral("the image's User %1 is not in its /etc/passwd").arg(user));
    process.uid = uid ? *uid : *number(entry->at(2));
    process.userName = entry ? entry->at(0) : QString::number(process.uid);
    process.home = entry && !entry->at(5).isEmpty() ? entry->at(5) : QStringLiteral("/");
    process.gid = entry ? number(entry->at(3)).value_or(0) : 0;
    if (group.isEmpty())
        return Ok{};
    if (const auto gid = number(group)) {
        process.gid = *gid;
        return Ok{};
    }
    for (const QStringList &row : readDatabase(root, "etc/group")) {
        if (row.size() >= 3 && row.at(0) == group) {
            if (const auto gid = number(row.at(2))) {
                process.gid = *gid;
                return Ok{};
            }
        }
    }
    return refused(QStringLiteral("the image's group %1 is not in its /etc/group").arg(group));
}

QStringList strings(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list.append(item.toString());
    return list;
}

} // namespace

Result<ImageProcess> ImageProcess::resolve(const ImageRecord &image, const Overrides &overrides,
                                           const RootDirectory &root)
{
    const QJsonObject config = image.config.value(QStringLiteral("config")).toObject();
    ImageProcess process;
    process.argv = strings(config.value(QStringLiteral("Entrypoint"))) +
                   (overrides.command.isEmpty() ? strings(config.value(QStringLiteral("Cmd")))
                                                : overrides.command);
    if (process.argv.isEmpty() || process.argv.first().isEmpty())
        return refused(QStringLiteral("the image %1 has neither Entrypoint nor Cmd: give the class "
                                      "a \"command\"")
                           .arg(image.id));

    if (auto user = resolveUser(config.value(QStringLiteral("User")).toString(), root, process);
        !user)
        return user.error();
    process.workingDirectory = config.value(QStringLiteral("WorkingDir")).toString();
    if (process.workingDirectory.isEmpty())
        process.workingDirectory = QStringLiteral("/");

    const QList<int> exposed = image.exposedPorts();
    process.port = overrides.port > 0    ? overrides.port
                   : exposed.size() == 1 ? exposed.first()
                                         : kDefaultPort;

    for (const QString &pair : strings(config.value(QStringLiteral("Env")))) {
        const qsizetype equals = pair.indexOf(QLatin1Char('='));
        if (equals > 0)
            process.environment.insert(pair.left(equals), pair.mid(equals + 1));
    }
    for (auto it = overrides.env.begin(); it != overrides.env.end(); ++it)
        process.environment.insert(it.key(), it.value());
    if (!process.environment.contains(QStringLiteral("PATH")))
        process.environment.insert(QStringLiteral("PATH"), kDefaultPath);
    if (!process.environment.contains(QStringLiteral("HOME")))
        process.environment.insert(QStringLiteral("HOME"), process.home);
    if (!process.environment.contains(QStringLiteral("PORT")))
        process.environment.insert(QStringLiteral("PORT"), QString::number(process.port));
    return process;
}

} // namespace edgedesk
