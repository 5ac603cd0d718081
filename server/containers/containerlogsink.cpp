#include "containers/containerlogsink.h"

#include "logging/loghub.h"

#include <QSocketNotifier>
#include <QThread>
#include <QTimer>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr qsizetype kMaxLineBytes = 16 * 1024;
constexpr int kPipeBytes = 1024 * 1024;

const QString &streamName(ContainerLogSink::Stream stream)
{
    static const QString out = QStringLiteral("stdout");
    static const QString err = QStringLiteral("stderr");
    return stream == ContainerLogSink::Stream::Stdout ? out : err;
}

} // namespace

ContainerLogSink::ContainerLogSink(LogHub &logs)
    : m_logs(logs), m_thread(new QThread), m_context(new QObject)
{
    m_thread->setObjectName(QStringLiteral("edgedesk-container-logs"));
    m_context->moveToThread(m_thread);
    m_thread->start();
}

ContainerLogSink::~ContainerLogSink()
{
    QThread *thread = m_thread;
    QMetaObject::invokeMethod(
        m_context,
        [this, thread] {
            while (!m_inputs.empty()) {
                const std::shared_ptr<Input> input = m_inputs.front();
                readInput(input); // what is left (and closes it, when its writers are gone)
                if (!m_inputs.empty() && m_inputs.front() == input)
                    closeInput(input);
            }
            thread->quit();
        },
        Qt::QueuedConnection);
    m_thread->wait(2000);
    delete m_context;
    delete m_thread;
}

Result<ContainerLogSink::Pipes> ContainerLogSink::attach(const QString &source, QObject *context,
                                                         LineWatcher watcher)
{
    int out[2];
    int err[2];
    if (::pipe2(out, O_CLOEXEC) != 0)
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot create a pipe: %1").arg(qt_error_string(errno)));
    if (::pipe2(err, O_CLOEXEC) != 0) {
        const int error = errno;
        ::close(out[0]);
        ::close(out[1]);
        return makeError(QStringLiteral("storage_error"),
                         QStringLiteral("cannot create a pipe: %1").arg(qt_error_string(error)));
    }
    for (int fd : {out[0], err[0]}) {
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        // Room for a burst of request lines while the sink collects (best effort).
        (void)::fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
    }
    const int readOut = out[0];
    const int readErr = err[0];
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(
        m_context,
        [this, source, readOut, readErr, guard, watcher = std::move(watcher)]() mutable {
            for (const auto &[fd, stream] :
                 {std::pair{readOut, Stream::Stdout}, std::pair{readErr, Stream::Stderr}}) {
                auto input = std::make_shared<Input>();
                input->source = source;
                input->stream = stream;
                input->fd = fd;
                input->notifier = new QSocketNotifier(fd, QSocketNotifier::Read, m_context);
                std::weak_ptr<Input> weak = input;
                connect(input->notifier, &QSocketNotifier::activated, m_context, [this, weak] {
                    if (auto i = weak.lock())
                        onReadable(i);
                });
                m_inputs.push_back(std::move(input));
            }
            if (watcher)
                m_watches.push_back({source, guard, std::move(watcher)});
        },
        Qt::QueuedConnection);
    return Pipes{out[1], err[1]};
}

void ContainerLogSink::closePipes(const Pipes &pipes)
{
    if (pipes.out >= 0)
        ::close(pipes.out);
    if (pipes.err >= 0)
        ::close(pipes.err);
}

void ContainerLogSink::unwatch(const QString &source)
{
    QMetaObject::invokeMethod(
        m_context,
        [this, source] {
            std::erase_if(m_watches, [&](const Watch &w) { return w.source == source; });
        },
        Qt::QueuedConnection);
}

void ContainerLogSink::note(const QString &source, const QString &level, const QString &message)
{
    QMetaObject::invokeMethod(
        m_context,
        [this, source, level, message] {
            readSource(source);
            m_logs.append(source, level, QStringLiteral("edgedesk"), message);
        },
        Qt::QueuedConnection);
}

void ContainerLogSink::noteNow(const QString &source, const QString &level,
                               const QString &message)
{
    m_logs.append(source, level, QStringLiteral("edgedesk"), message);
}

void ContainerLogSink::onReadable(const std::shared_ptr<Input> &input)
{
    const bool watched = input->stream == Stream::Stdout &&
                         std::any_of(m_watches.begin(), m_watches.end(),
                                     [&](const Watch &w) { return w.source == input->source; });
    if (watched) {
        readInput(input);
        return;
    }
    // Collect: the notifier rests, and one read a moment later takes what came meanwhile.
    input->notifier->setEnabled(false);
    input->collecting = true;
    std::weak_ptr<Input> weak = input;
    QTimer::singleShot(kCollectMs, m_context, [this, weak] {
        const std::shared_ptr<Input> i = weak.lock();
        if (!i || i->fd < 0)
            return; // closed meanwhile
        i->collecting = false;
        if (readInput(i))
            i->notifier->setEnabled(true);
    });
}

bool ContainerLogSink::readInput(const std::shared_ptr<Input> &input)
{
    if (input->fd < 0)
        return false;
    // What one wake-up collected goes to the hub as one batch: one lock, one publish.
    QList<LogHub::Line> batch;
    const auto deliver = [&] {
        if (!batch.isEmpty())
            m_logs.appendBatch(input->source, streamName(input->stream), std::exchange(batch, {}));
    };
    char buffer[256 * 1024];
    for (;;) {
        const ssize_t n = ::read(input->fd, buffer, sizeof buffer);
        if (n > 0) {
            qsizetype start = 0;
            for (;;) {
                const void *hit = std::memchr(buffer + start, '\n', size_t(n - start));
                if (!hit)
                    break;
                const qsizetype nl = static_cast<const char *>(hit) - buffer;
                if (input->partial.isEmpty()) {
                    appendLine(*input, QByteArrayView(buffer + start, nl - start), &batch);
                } else {
                    input->partial.append(buffer + start, nl - start);
                    appendLine(*input, std::exchange(input->partial, QByteArray()), &batch);
                }
                start = nl + 1;
            }
            input->partial.append(buffer + start, n - start);
            // A program that never ends its line must not grow this without bound.
            if (input->partial.size() > kMaxLineBytes)
                appendLine(*input, std::exchange(input->partial, QByteArray()), &batch);
            if (n < ssize_t(sizeof buffer))
                break; // drained: the next read would say EAGAIN
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        deliver();
        closeInput(input); // end of the stream: every writer is gone
        return false;
    }
    deliver();
    return true;
}

void ContainerLogSink::readSource(const QString &source)
{
    std::vector<std::shared_ptr<Input>> inputs;
    for (const auto &i : m_inputs) {
        if (i->source == source)
            inputs.push_back(i);
    }
    for (const auto &i : inputs)
        readInput(i);
}

void ContainerLogSink::closeInput(const std::shared_ptr<Input> &input)
{
    if (input->fd < 0)
        return;
    if (!input->partial.isEmpty()) {
        QList<LogHub::Line> batch;
        appendLine(*input, std::exchange(input->partial, QByteArray()), &batch);
        if (!batch.isEmpty())
            m_logs.appendBatch(input->source, streamName(input->stream), batch);
    }
    delete input->notifier;
    input->notifier = nullptr;
    ::close(input->fd);
    input->fd = -1; // a pending collect timer finds it closed
    const QString source = input->source;
    std::erase_if(m_inputs, [&input](const auto &i) { return i == input; });
    const bool sourceOpen = std::any_of(m_inputs.begin(), m_inputs.end(),
                                        [&](const auto &i) { return i->source == source; });
    if (!sourceOpen)
        std::erase_if(m_watches, [&](const Watch &w) { return w.source == source; });
}

void ContainerLogSink::appendLine(const Input &input, QByteArrayView line,
                                  QList<LogHub::Line> *batch)
{
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.trimmed().isEmpty())
        return;
    if (input.stream == Stream::Stdout) {
        for (const Watch &w : m_watches) {
            if (w.source != input.source || !w.context)
                continue;
            QMetaObject::invokeMethod(
                w.context.data(),
                [watcher = w.watcher, copy = line.toByteArray()] { watcher(copy); },
                Qt::QueuedConnection);
        }
    }
    batch->append({levelOf(line, input.stream), QString::fromUtf8(line)});
}

QString ContainerLogSink::levelOf(QByteArrayView line, Stream stream)
{
    if (stream == Stream::Stderr)
        return QStringLiteral("warning");
    if (!line.startsWith('{'))
        return QStringLiteral("info");
    // The programs' JSON lines: {"time":"...","level":"warn",...}. A search, not a parse: this
    // runs for every request an instance logs.
    constexpr QByteArrayView key = "\"level\":\"";
    const qsizetype at = line.indexOf(key);
    if (at < 0)
        return QStringLiteral("info");
    const qsizetype from = at + key.size();
    const qsizetype to = line.indexOf('"', from);
    if (to < 0)
        return QStringLiteral("info");
    const QByteArrayView raw = line.sliced(from, to - from);
    if (raw == "info")
        return QStringLiteral("info");
    const QByteArray level = raw.toByteArray().toLower();
    if (level == "warn" || level == "warning")
        return QStringLiteral("warning");
    if (level == "error" || level == "fatal" || level == "critical")
        return QStringLiteral("error");
    if (level == "debug" || level == "trace")
        return QStringLiteral("debug");
    return QStringLiteral("info");
}

} // namespace edgedesk
