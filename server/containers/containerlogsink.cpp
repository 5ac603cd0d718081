#include "containers/containerlogsink.h"

#include "logging/loghub.h"

#include <QThread>

namespace edgedesk {

namespace {

constexpr qsizetype kMaxLineBytes = 16 * 1024;

const QString &streamName(ContainerLogSink::Stream stream)
{
    static const QString out = QStringLiteral("stdout");
    static const QString err = QStringLiteral("stderr");
    return stream == ContainerLogSink::Stream::Stdout ? out : err;
}

} // namespace

ContainerLogSink::ContainerLogSink() : m_thread(new QThread), m_context(new QObject)
{
    m_thread->setObjectName(QStringLiteral("edgedesk-container-logs"));
    m_context->moveToThread(m_thread);
    m_thread->start();
}

ContainerLogSink::~ContainerLogSink()
{
    // Queued after every write: the thread ends once they are all appended.
    QThread *thread = m_thread;
    QMetaObject::invokeMethod(
        m_context,
        [this, thread] {
            drain();
            thread->quit();
        },
        Qt::QueuedConnection);
    m_thread->wait(2000);
    delete m_context;
    delete m_thread;
}

void ContainerLogSink::write(const QString &source, Stream stream, const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    QMutexLocker lock(&m_mutex);
    m_pending.append({source, stream, bytes});
    if (m_drainScheduled)
        return;
    m_drainScheduled = true;
    lock.unlock();
    QMetaObject::invokeMethod(
        m_context, [this] { drain(); }, Qt::QueuedConnection);
}

void ContainerLogSink::drain()
{
    QList<Chunk> chunks;
    {
        QMutexLocker lock(&m_mutex);
        chunks.swap(m_pending);
        m_drainScheduled = false;
    }
    for (const Chunk &c : std::as_const(chunks))
        append(c.source, c.stream, c.bytes);
}

void ContainerLogSink::flush(const QString &source)
{
    QMetaObject::invokeMethod(
        m_context,
        [this, source] {
            drain(); // what was written before this call comes first
            for (Stream stream : {Stream::Stdout, Stream::Stderr}) {
                QByteArray rest = m_partial[int(stream)].take(source);
                if (!rest.isEmpty())
                    appendLine(source, stream, std::move(rest));
            }
        },
        Qt::QueuedConnection);
}

void ContainerLogSink::note(const QString &source, const QString &level, const QString &message)
{
    QMetaObject::invokeMethod(
        m_context,
        [this, source, level, message] {
            drain();
            LogHub::instance()->append(source, level, QStringLiteral("edgedesk"), message);
        },
        Qt::QueuedConnection);
}

void ContainerLogSink::append(const QString &source, Stream stream, const QByteArray &bytes)
{
    QByteArray &partial = m_partial[int(stream)][source];
    qsizetype start = 0;
    for (;;) {
        const qsizetype nl = bytes.indexOf('\n', start);
        if (nl < 0)
            break;
        QByteArray line = partial.isEmpty() ? bytes.mid(start, nl - start)
                                            : partial + bytes.mid(start, nl - start);
        partial.clear();
        appendLine(source, stream, std::move(line));
        start = nl + 1;
    }
    partial += bytes.mid(start);
    // A program that never ends its line must not grow this without bound.
    if (partial.size() > kMaxLineBytes)
        appendLine(source, stream, std::exchange(partial, QByteArray()));
}

void ContainerLogSink::appendLine(const QString &source, Stream stream, QByteArray line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.trimmed().isEmpty())
        return;
    LogHub::instance()->append(source, levelOf(line, stream), streamName(stream),
                               QString::fromUtf8(line));
}

QString ContainerLogSink::levelOf(const QByteArray &line, Stream stream)
{
    if (stream == Stream::Stderr)
        return QStringLiteral("warning");
    if (!line.startsWith('{'))
        return QStringLiteral("info");
    // The programs' JSON lines: {"time":"...","level":"warn",...}. A search, not a parse: this
    // runs for every request an instance logs.
    static const QByteArray key = QByteArrayLiteral("\"level\":\"");
    const qsizetype at = line.indexOf(key);
    if (at < 0)
        return QStringLiteral("info");
    const qsizetype from = at + key.size();
    const qsizetype to = line.indexOf('"', from);
    const QByteArray level = line.mid(from, to - from).toLower();
    if (level == "warn" || level == "warning")
        return QStringLiteral("warning");
    if (level == "error" || level == "fatal" || level == "critical")
        return QStringLiteral("error");
    if (level == "debug" || level == "trace")
        return QStringLiteral("debug");
    return QStringLiteral("info");
}

} // namespace edgedesk
