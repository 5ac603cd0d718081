#include "logging/loghub.h"

#include <QDateTime>
#include <QDir>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QReadWriteLock>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <limits>

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

// The hubs that asked for the handler's lines, the newest last. The lock keeps a hub from being
// destroyed while a line is appended to it; recursive, since appending may log. Never destroyed:
// Qt logs during static destruction too.
struct Receivers
{
    QReadWriteLock lock{QReadWriteLock::Recursive};
    QList<LogHub *> hubs;
};

Receivers &messageReceivers()
{
    static auto *r = new Receivers;
    return *r;
}

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
    if (!category.startsWith(QLatin1String("qt."))) {
        Receivers &r = messageReceivers();
        QReadLocker lock(&r.lock);
        if (!r.hubs.isEmpty())
            r.hubs.last()->append(QStringLiteral("server"), level, category, message);
    }
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

LogHub::LogHub(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<LogEntry>();
    qRegisterMetaType<QList<LogEntry>>();
}

LogHub::~LogHub()
{
    {
        Receivers &r = messageReceivers();
        QWriteLocker lock(&r.lock);
        r.hubs.removeAll(this);
    }
    QMutexLocker lock(&m_mutex);
    flushLocked();
    qDeleteAll(m_files);
    m_files.clear();
}

void LogHub::receiveMessages()
{
    Receivers &r = messageReceivers();
    QWriteLocker lock(&r.lock);
    r.hubs.removeAll(this);
    r.hubs.append(this);
}

bool LogHub::isValidLevel(const QString &level)
{
    static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                    QStringLiteral("warning"), QStringLiteral("error")};
    return levels.contains(level);
}

void LogHub::installMessageHandler(const QString &minLevel)
{
    g_minRank = levelRank(minLevel);
    if (minLevel == QLatin1String("debug"))
        QLoggingCategory::setFilterRules(QStringLiteral("edgedesk.*.debug=true"));
    qInstallMessageHandler(messageHandler);
}

void LogHub::append(const QString &source, const QString &level, const QString &category,
                    const QString &message)
{
    appendBatch(source, category, {Line{level, message}});
}

void LogHub::appendBatch(const QString &source, const QString &category, const QList<Line> &lines)
{
    if (lines.isEmpty())
        return;
    const qint64 timeMs = QDateTime::currentMSecsSinceEpoch();
    bool publishNow = false;
    bool flushLater = false;
    {
        QMutexLocker lock(&m_mutex);
        auto &ring = m_rings[source];
        for (const Line &line : lines) {
            LogEntry entry;
            entry.timeMs = timeMs;
            entry.level = line.level;
            entry.source = source;
            entry.category = category;
            entry.message = line.message;
            entry.seq = m_nextSeq++;
            writeToFile(entry);
            m_pending.append(entry);
            ring.push_back(std::move(entry));
        }
        while (int(ring.size()) > m_capacity)
            ring.pop_front();
        if (m_buffered >= kFlushBytes)
            flushLocked();
        scheduleLocked(&publishNow, &flushLater);
    }
    if (publishNow)
        QMetaObject::invokeMethod(this, &LogHub::publish, Qt::QueuedConnection);
    if (flushLater) {
        // The timer starts in the hub's thread, whichever thread appended.
        QMetaObject::invokeMethod(
            this, [this] { QTimer::singleShot(kFlushMs, this, &LogHub::flush); },
            Qt::QueuedConnection);
    }
}

void LogHub::scheduleLocked(bool *publish, bool *flush)
{
    if (!m_publishScheduled) {
        m_publishScheduled = true;
        *publish = true;
    }
    if (m_buffered > 0 && !m_flushScheduled) {
        m_flushScheduled = true;
        *flush = true;
    }
}

void LogHub::flush()
{
    QMutexLocker lock(&m_mutex);
    m_flushScheduled = false;
    flushLocked();
}

void LogHub::flushLocked()
{
    for (LogFile *f : std::as_const(m_files)) {
        if (f->buffer.isEmpty())
            continue;
        if (f->file.isOpen())
            f->file.write(f->buffer);
        f->buffer.clear();
    }
    m_buffered = 0;
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
    flushLocked();
    qDeleteAll(m_files);
    m_files.clear();
    m_folder = folder;
    m_maxFileBytes = maxBytes;
    if (!folder.isEmpty())
        QDir().mkpath(folder);
}

QString LogHub::logFolder() const
{
    // Whoever asks is about to read the files: they get every line appended so far.
    const_cast<LogHub *>(this)->flush();
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
    LogFile *&f = m_files[entry.source];
    if (!f) {
        f = new LogFile;
        f->file.setFileName(QDir(m_folder).filePath(fileNameFor(entry.source)));
        if (f->file.open(QIODevice::Append | QIODevice::WriteOnly | QIODevice::Unbuffered))
            f->size = f->file.size();
    }
    if (!f->file.isOpen())
        return; // could not be opened: the ring still has the line
    if (f->size > m_maxFileBytes) {
        // Keep one previous file: the log folder's size stays bounded.
        f->file.write(f->buffer);
        m_buffered -= f->buffer.size();
        f->buffer.clear();
        const QString path = f->file.fileName();
        f->file.close();
        QFile::remove(path + QStringLiteral(".1"));
        QFile::rename(path, path + QStringLiteral(".1"));
        f->size = 0;
        if (!f->file.open(QIODevice::Append | QIODevice::WriteOnly | QIODevice::Unbuffered))
            return;
    }
    // "2026-01-02T03:04:05.678Z": the date and time formatted once per second, not per line.
    thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    thread_local QByteArray cachedPrefix;
    const qint64 second = entry.timeMs >= 0 ? entry.timeMs / 1000 : (entry.timeMs - 999) / 1000;
    if (second != cachedSecond) {
        cachedPrefix = QDateTime::fromSecsSinceEpoch(second, Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss"))
                           .toLatin1();
        cachedSecond = second;
    }
    const int millis = int(entry.timeMs - second * 1000);
    const char fraction[] = {
        '.', char('0' + millis / 100), char('0' + millis / 10 % 10), char('0' + millis % 10), 'Z',
        ' '};
    QByteArray &out = f->buffer;
    const qsizetype before = out.size();
    out += cachedPrefix;
    out.append(fraction, sizeof fraction);
    out += entry.level.toUtf8();
    out += ' ';
    out += entry.category.toUtf8();
    out += ": ";
    out += entry.message.toUtf8();
    out += '\n';
    const qsizetype added = out.size() - before;
    f->size += added;
    m_buffered += added;
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
