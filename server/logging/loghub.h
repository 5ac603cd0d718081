#pragma once

#include "logging/logentry.h"

#include <QFile>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <deque>

namespace edgedesk {

// Where every log line of a server goes: the Qt logging categories and every container
// instance's output. Owned by ServerHost and handed to whoever reads or writes lines; the
// process-wide Qt message handler only keeps a pointer to the hub that receives its lines.
// Thread-safe; publishes from the thread it lives in. Keeps a ring of lines per source, writes
// size-capped files, and publishes new lines in batches (one queued signal per burst, not per
// line). File output is buffered: an api-backend logs a line per request, and a write(2), a stat
// and a date formatting per line cost EdgeDesk more than proxying the request. Buffers are written
// kFlushMs after their first line (or once kFlushBytes are buffered), when the folder is read
// (logFolder()) or changed, by flush(), and when the application ends.
class LogHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogHub)

public:
    explicit LogHub(QObject *parent = nullptr);
    // Writes what is buffered; stops receiving the message handler's lines.
    ~LogHub() override;

    // Installs the process-wide message handler: qDebug/qCInfo/... go to stderr, as Qt would
    // print them, and to the hub that receives messages. `minLevel` is one of debug, info,
    // warning, error.
    static void installMessageHandler(const QString &minLevel);
    // From now until it is destroyed, this hub receives the message handler's lines (the most
    // recent hub to ask does, when several exist: tests run more than one server).
    void receiveMessages();
    static bool isValidLevel(const QString &level);

    void append(const QString &source, const QString &level, const QString &category,
                const QString &message);
    // Several lines of one source and category under one lock (a container's pipe read).
    struct Line
    {
        QString level;
        QString message;
    };
    void appendBatch(const QString &source, const QString &category, const QList<Line> &lines);
    // Writes buffered file output now. Any thread.
    void flush();
    static constexpr int kFlushMs = 200;
    static constexpr qsizetype kFlushBytes = 64 * 1024;
    // Most recent last; an empty source means all sources merged in order.
    QList<LogEntry> tail(int n, const QString &source = QString()) const;
    QList<LogEntry> since(quint64 seq, const QString &source = QString()) const;
    QStringList sources() const;
    void clear();

    // Where each source's lines are also written: <folder>/<source>.log, rotated to .log.1 past
    // maxBytes. An empty folder stops file output. logFolder() writes buffered lines first, so
    // that whoever reads the folder next finds them.
    void setLogFolder(const QString &folder, qint64 maxBytes = 4 * 1024 * 1024);
    QString logFolder() const;
    QString logFilePath(const QString &source) const;

    void setRingCapacity(int perSource) { m_capacity = perSource; }
    static QJsonObject toJson(const LogEntry &entry);

Q_SIGNALS:
    void appended(const QList<edgedesk::LogEntry> &batch);

private:
    struct LogFile
    {
        QFile file;
        qint64 size = 0;   // on disk and buffered: the cap is checked without a stat per line
        QByteArray buffer; // not yet written
    };
    void publish();
    // Under m_mutex.
    void writeToFile(const LogEntry &entry);
    void flushLocked();
    void scheduleLocked(bool *publish, bool *flush);

    mutable QMutex m_mutex;
    QHash<QString, std::deque<LogEntry>> m_rings;
    int m_capacity = 5000;
    quint64 m_nextSeq = 1;
    QList<LogEntry> m_pending;
    bool m_publishScheduled = false;
    QString m_folder;
    qint64 m_maxFileBytes = 4 * 1024 * 1024;
    QHash<QString, LogFile *> m_files;
    bool m_flushScheduled = false;
    qsizetype m_buffered = 0; // bytes in all buffers
};

} // namespace edgedesk
