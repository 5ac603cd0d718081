#include "logging/loghub.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QThread>

#include <cstdio>

namespace edgedesk {

namespace {

int levelRank(const QString &level)
{
    if (level == QLatin1String("debug"))
        return 0;
    if (level == QLatin1String("info"))
        return 1;
    if (level == QLatin1String("warning"))
        return 2;
    return 3;
}

QString levelOf(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtInfoMsg:
        return QStringLiteral("info");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
    case QtFatalMsg:
        return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

std::atomic<int> g_minRank{1};

void messageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString level = levelOf(type);
    if (levelRank(level) < g_minRank.load())
        return;
    const QString category = QString::fromLatin1(context.category ? context.category : "default");
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() +
                            ' ' + level.toUtf8() + ' ' + category.toUtf8() + ": " +
                            message.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    // Qt's own chatter (qt.*) stays on stderr; the hub gets the application's lines.
    if (!category.startsWith(QLatin1String("qt.")))
        LogHub::instance()->append(QStringLiteral("server"), level, category, message);
    if (type == QtFatalMsg)
        std::abort();
}

QString fileNameFor(const QString &source)
{
    QString name = source;
    for (QChar &c : name) {
        if (!c.isLetterOrNumber() && c != QLatin1Char('-') && c != QLatin1Char('_'))
            c = QLatin1Char('_');
    }
    return name + QStringLiteral(".log");
}

} // namespace

LogHub::LogHub()
{
    qRegisterMetaType<LogEntry>();
    qRegisterMetaType<QList<LogEntry>>();
}

LogHub *LogHub::instance()
{
    static LogHub *hub = [] {
        auto *h = new LogHub;
        // The hub publishes from the main thread, whichever thread asked for it first.
        if (QCoreApplication::instance() && h->thread() != QCoreApplication::instance()->thread())
            h->moveToThread(QCoreApplication::instance()->thread());
        return h;
    }();
    return hub;
}

bool LogHub::isValidLevel(const QString &level)
{
    static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                    QStringLiteral("warning"), QStringLiteral("error")};
    return levels.contains(level);
}

void LogHub::installMessageHandler(const QString &minLevel)
{
    instance();
    g_minRank = levelRank(minLevel);
    if (minLevel == QLatin1String("debug"))
        QLoggingCategory::setFilterRules(QStringLiteral("edgedesk.*.debug=true"));
    qInstallMessageHandler(messageHandler);
}

void LogHub::append(const QString &source, const QString &level, const QString &category,
                    const QString &message)
{
    LogEntry entry;
    entry.timeMs = QDateTime::currentMSecsSinceEpoch();
    entry.level = level;
    entry.source = source;
    entry.category = category;
    entry.message = message;
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        entry.seq = m_nextSeq++;
        auto &ring = m_rings[source];
        ring.push_back(entry);
        while (int(ring.size()) > m_capacity)
            ring.pop_front();
        writeToFile(entry);
        m_pending.append(entry);
        if (!m_publishScheduled) {
            m_publishScheduled = true;
            schedule = true;
        }
    }
    if (schedule)
        QMetaObject::invokeMethod(this, &LogHub::publish, Qt::QueuedConnection);
}

void LogHub::publish()
{
    QList<LogEntry> batch;
    {
        QMutexLocker lock(&m_mutex);
        batch.swap(m_pending);
        m_publishScheduled = false;
    }
    if (!batch.isEmpty())
        Q_EMIT appended(batch);
}

QList<LogEntry> LogHub::tail(int n, const QString &source) const
{
    QMutexLocker lock(&m_mutex);
    QList<LogEntry> out;
    if (!source.isEmpty()) {
        const auto it = m_rings.constFind(source);
        if (it == m_rings.cend())
            return out;
        const int start = qMax(0, int(it->size()) - n);
        for (int i = start; i < int(it->size()); ++i)
            out.append((*it)[size_t(i)]);
        return out;
    }
    for (const auto &ring : m_rings) {
        const int start = qMax(0, int(ring.size()) - n);
        for (int i = start; i < int(ring.size()); ++i)
            out.append(ring[size_t(i)]);
    }
    std::sort(out.begin(), out.end(),
              [](const LogEntry &a, const LogEntry &b) { return a.seq < b.seq; });
    if (out.size() > n)
        out = out.mid(out.size() - n);
    return out;
}

QList<LogEntry> LogHub::since(quint64 seq, const QString &source) const
{
    QMutexLocker lock(&m_mutex);
    QList<LogEntry> out;
    for (auto it = m_rings.cbegin(); it != m_rings.cend(); ++it) {
        if (!source.isEmpty() && it.key() != source)
            continue;
        for (const LogEntry &e : *it) {
            if (e.seq > seq)
                out.append(e);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const LogEntry &a, const LogEntry &b) { return a.seq < b.seq; });
    return out;
}

QStringList LogHub::sources() const
{
    QMutexLocker lock(&m_mutex);
    QStringList out = m_rings.keys();
    out.sort();
    return out;
}

void LogHub::clear()
{
    QMutexLocker lock(&m_mutex);
    m_rings.clear();
}

void LogHub::setLogFolder(const QString &folder, qint64 maxBytes)
{
    QMutexLocker lock(&m_mutex);
    qDeleteAll(m_files);
    m_files.clear();
    m_folder = folder;
    m_maxFileBytes = maxBytes;
    if (!folder.isEmpty())
        QDir().mkpath(folder);
}

QString LogHub::logFolder() const
{
    QMutexLocker lock(&m_mutex);
    return m_folder;
}

QString LogHub::logFilePath(const QString &source) const
{
    QMutexLocker lock(&m_mutex);
    return m_folder.isEmpty() ? QString() : QDir(m_folder).filePath(fileNameFor(source));
}

void LogHub::writeToFile(const LogEntry &entry)
{
    if (m_folder.isEmpty())
        return;
    QFile *&file = m_files[entry.source];
    if (!file) {
        file = new QFile(QDir(m_folder).filePath(fileNameFor(entry.source)));
        if (!file->open(QIODevice::Append | QIODevice::WriteOnly))
            return;
    }
    if (file->size() > m_maxFileBytes) {
        // Keep one previous file: the log folder's size stays bounded.
        const QString path = file->fileName();
        file->close();
        QFile::remove(path + QStringLiteral(".1"));
        QFile::rename(path, path + QStringLiteral(".1"));
        if (!file->open(QIODevice::Append | QIODevice::WriteOnly))
            return;
    }
    const QByteArray line =
        QDateTime::fromMSecsSinceEpoch(entry.timeMs, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8() +
        ' ' + entry.level.toUtf8() + ' ' + entry.category.toUtf8() + ": " + entry.message.toUtf8() +
        '\n';
    file->write(line);
    file->flush();
}

QJsonObject LogHub::toJson(const LogEntry &e)
{
    return QJsonObject{
        {QStringLiteral("seq"), double(e.seq)},
        {QStringLiteral("time"),
         QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
        {QStringLiteral("level"), e.level},
        {QStringLiteral("source"), e.source},
        {QStringLiteral("category"), e.category},
        {QStringLiteral("message"), e.message},
    };
}

} // namespace edgedesk
