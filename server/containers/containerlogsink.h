#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>

class QThread;

namespace edgedesk {

// Carries container instances' stdout and stderr into the LogHub, line by line, on a thread of
// its own: an api-backend logs one line per request, and writing each to its log file in the
// server thread would cost the proxy a third of its throughput. The server thread only hands
// over the bytes it read; lines are split, levelled and appended here, in order per source.
class ContainerLogSink final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContainerLogSink)

public:
    enum class Stream
    {
        Stdout,
        Stderr
    };

    ContainerLogSink();
    // Appends everything handed over so far, then ends the thread.
    ~ContainerLogSink() override;

    // Any thread. source: "<BINDING>/<instance>".
    void write(const QString &source, Stream stream, const QByteArray &bytes);
    // Appends an unterminated last line (the process ended).
    void flush(const QString &source);
    // A line of our own about the instance (started, stopped, crashed).
    void note(const QString &source, const QString &level, const QString &message);

    // stderr lines are warnings; JSON lines on stdout carry their level ("warn" → "warning").
    static QString levelOf(const QByteArray &line, Stream stream);

private:
    struct Chunk
    {
        QString source;
        Stream stream;
        QByteArray bytes;
    };
    void drain();
    void append(const QString &source, Stream stream, const QByteArray &bytes);
    void appendLine(const QString &source, Stream stream, QByteArray line);

    QThread *m_thread;
    QObject *m_context; // lives in m_thread
    // Handed over, not yet appended: one wake-up of the thread takes all of it.
    QMutex m_mutex;
    QList<Chunk> m_pending;
    bool m_drainScheduled = false;
    // Partial lines per source and stream; touched only in m_thread.
    QHash<QString, QByteArray> m_partial[2];
};

} // namespace edgedesk
