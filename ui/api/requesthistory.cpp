#include "api/requesthistory.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace edgedesk {

namespace {

QJsonObject toJson(const RequestHistory::Entry &e)
{
    QJsonArray headers;
    for (const auto &h : e.headers)
        headers.append(QJsonArray{QString::fromLatin1(h.first), QString::fromUtf8(h.second)});
    QJsonObject o{{QStringLiteral("method"), QString::fromLatin1(e.method)},
                  {QStringLiteral("path"), e.path},
                  {QStringLiteral("headers"), headers},
                  {QStringLiteral("status"), e.status},
                  {QStringLiteral("elapsed_ms"), double(e.elapsedMs)},
                  {QStringLiteral("size"), double(e.size)},
                  {QStringLiteral("time_ms"), double(e.timeMs)},
                  {QStringLiteral("instance"), e.instance}};
    // Bodies are kept as text: the builder's body is typed in a text editor.
    if (e.bodyOmitted)
        o.insert(QStringLiteral("body_omitted"), true);
    else if (!e.body.isEmpty())
        o.insert(QStringLiteral("body"), QString::fromUtf8(e.body));
    return o;
}

RequestHistory::Entry fromJson(const QJsonObject &o)
{
    RequestHistory::Entry e;
    e.method = o.value(QStringLiteral("method")).toString().toLatin1();
    e.path = o.value(QStringLiteral("path")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("headers")).toArray()) {
        const QJsonArray pair = v.toArray();
        if (pair.size() == 2)
            e.headers.append({pair[0].toString().toLatin1(), pair[1].toString().toUtf8()});
    }
    e.body = o.value(QStringLiteral("body")).toString().toUtf8();
    e.bodyOmitted = o.value(QStringLiteral("body_omitted")).toBool();
    e.status = o.value(QStringLiteral("status")).toInt();
    e.elapsedMs = qint64(o.value(QStringLiteral("elapsed_ms")).toDouble());
    e.size = qint64(o.value(QStringLiteral("size")).toDouble());
    e.timeMs = qint64(o.value(QStringLiteral("time_ms")).toDouble());
    e.instance = o.value(QStringLiteral("instance")).toString();
    return e;
}

} // namespace

bool RequestHistory::Entry::matches(const QString &needle) const
{
    if (needle.isEmpty())
        return true;
    auto has = [&](const QString &text) { return text.contains(needle, Qt::CaseInsensitive); };
    if (has(QString::fromLatin1(method)) || has(path) || has(QString::number(status)) ||
        has(instance) || has(QString::fromUtf8(body)))
        return true;
    for (const auto &h : headers) {
        if (has(QString::fromLatin1(h.first)) || has(QString::fromUtf8(h.second)))
            return true;
    }
    return false;
}

QString RequestHistory::filePath(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("desktop/api-history.json"));
}

Status RequestHistory::load(const QString &path)
{
    m_path = path;
    m_entries.clear();
    QFile file(path);
    if (!file.exists())
        return Ok{};
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (!doc.isObject()) {
        // Set aside, not overwritten by the next request: the user may want it back.
        file.close();
        const QString aside = path + QStringLiteral(".unreadable");
        QFile::remove(aside);
        const bool moved = QFile::rename(path, aside);
        if (!moved)
            m_path.clear(); // never written over
        return makeError(QStringLiteral("bad_request"),
                         moved ? QStringLiteral("%1 is not a request history (%2); it was kept as "
                                                "%3 and a new history begins")
                                     .arg(path, error.errorString(), aside)
                               : QStringLiteral("%1 is not a request history (%2)")
                                     .arg(path, error.errorString()));
    }
    for (const QJsonValue &v : doc.object().value(QStringLiteral("requests")).toArray()) {
        Entry e = fromJson(v.toObject());
        if (!e.method.isEmpty() && e.path.startsWith(QLatin1Char('/')))
            m_entries.append(std::move(e));
        if (m_entries.size() == kCapacity)
            break;
    }
    return Ok{};
}

Status RequestHistory::save() const
{
    if (m_path.isEmpty())
        return Ok{};
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QJsonArray requests;
    for (const Entry &e : m_entries)
        requests.append(toJson(e));
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("version"), 1},
                                         {QStringLiteral("requests"), requests}})
                   .toJson(QJsonDocument::Compact));
    if (!file.commit())
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()));
    return Ok{};
}

Status RequestHistory::add(Entry entry)
{
    if (entry.body.size() > kMaxBody) {
        entry.body.clear();
        entry.bodyOmitted = true;
    }
    m_entries.prepend(std::move(entry));
    if (m_entries.size() > kCapacity)
        m_entries.resize(kCapacity);
    return save();
}

void RequestHistory::clear()
{
    m_entries.clear();
}

} // namespace edgedesk
