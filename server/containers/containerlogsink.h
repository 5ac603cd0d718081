#pragma once

#include "logging/loghub.h"
#include "util/result.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

class QSocketNotifier;
class QThread;

namespace edgedesk {

// Carries container instances' stdout and stderr into the LogHub, line by line, on a thread of
// its own. An instance writes into pipes this sink reads itself: an api-backend logs one line
// per request, and reading those in the server thread (QProcess's channels) woke the proxy once
// more per request, and appending them there cost it a third of its throughput. Under load the
// sink waits kCollectMs after a pipe turns readable, so that one wake-up takes many lines.
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

    // Lines reach the hub at most this much later than the instance wrote them.
    static constexpr int kCollectMs = 20;

    explicit ContainerLogSink(LogHub &logs);
    // Appends what the pipes still hold, then ends the thread.
    ~ContainerLogSink() override;

    // The write ends of a new pair of pipes for a process's stdout and stderr (close-on-exec:
    // hand them to the child with dup2, then close them here once it started). The sink reads
    // the other ends until every writer has closed them.
    struct Pipes
    {
        int out = -1;
        int err = -1;
    };
    using LineWatcher = std::function<void(const QByteArray &line)>;
    // Any thread. source: "<BINDING>/<instance>". While a watcher is set, each stdout line of
    // source is also passed to it, in context's thread, without the collecting delay (an
    // instance that starts says "listening on ..." there).
    Result<Pipes> attach(const QString &source, QObject *context = nullptr,
                         LineWatcher watcher = {});
    static void closePipes(const Pipes &pipes);
    // Any thread.
    void unwatch(const QString &source);
    // A line of our own about the instance (started, stopped, crashed); what its pipes already
    // hold is appended first.
    void note(const QString &source, const QString &level, const QString &message);
    // A line of our own appended at once, from the calling thread, without waiting for the
    // pipes: for a note that must come before what the caller does next ("healthy", before the
    // requests it releases reach the instance and are logged by it).
    void noteNow(const QString &source, const QString &level, const QString &message);

    // stderr lines are warnings; JSON lines on stdout carry their level ("warn" → "warning").
    static QString levelOf(QByteArrayView line, Stream stream);

private:
    struct Input
    {
        QString source;
        Stream stream;
        int fd = -1;
        QSocketNotifier *notifier = nullptr;
        QByteArray partial;
        bool collecting = false;
    };
    struct Watch
    {
        QString source;
        QPointer<QObject> context;
        LineWatcher watcher;
    };
    // All in m_thread.
    void onReadable(const std::shared_ptr<Input> &input);
    // Reads what the pipe holds; false once it reached its end (the input is closed then).
    bool readInput(const std::shared_ptr<Input> &input);
    void readSource(const QString &source);
    void closeInput(const std::shared_ptr<Input> &input);
    // Passes a line to its watchers and adds it to batch (for the hub).
    void appendLine(const Input &input, QByteArrayView line, QList<LogHub::Line> *batch);

    LogHub &m_logs;
    QThread *m_thread;
    QObject *m_context; // lives in m_thread
    std::vector<std::shared_ptr<Input>> m_inputs;
    std::vector<Watch> m_watches;
};

} // namespace edgedesk
