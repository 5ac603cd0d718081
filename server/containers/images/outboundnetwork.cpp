#include "containers/images/outboundnetwork.h"

#include "containers/images/imageinstance.h"
#include "containers/images/imagelog.h"
#include "containers/sandboxfiles.h"

#include <QProcess>
#include <QStandardPaths>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace edgedesk {

namespace {

constexpr int kPollMs = 20;

// The first child of pid, from /proc (0 when none yet).
qint64 firstChild(qint64 pid)
{
    const QByteArray children =
        readSmallFile(QStringLiteral("/proc/%1/task/%1/children").arg(pid)).trimmed();
    return children.split(' ').value(0).toLongLong();
}

// The default gateway of pid's network namespace ("192.0.2.1"), empty while it has none.
QString defaultGateway(qint64 pid)
{
    const QList<QByteArray> lines =
        readSmallFile(QStringLiteral("/proc/%1/net/route").arg(pid)).split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() < 3 || fields[1] != "00000000")
            continue;
        bool ok = false;
        const quint32 gateway = fields[2].toUInt(&ok, 16); // network order, read little-endian
        if (!ok)
            continue;
        return QStringLiteral("%1.%2.%3.%4")
            .arg(gateway & 0xff)
            .arg((gateway >> 8) & 0xff)
            .arg((gateway >> 16) & 0xff)
            .arg(gateway >> 24);
    }
    return QString();
}

int openNamespace(qint64 pid, const char *name)
{
    const QByteArray path = QStringLiteral("/proc/%1/ns/").arg(pid).toLatin1() + name;
    return ::open(path.constData(), O_RDONLY | O_CLOEXEC);
}

} // namespace

OutboundNetwork::OutboundNetwork(bool reachHost, QObject *parent)
    : QObject(parent), m_reachHost(reachHost)
{
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, &OutboundNetwork::poll);
}

OutboundNetwork::~OutboundNetwork()
{
    m_ready = nullptr;
    for (int fd : {m_userNs, m_netNs}) {
        if (fd >= 0)
            ::close(fd);
    }
    if (m_pasta) {
        // The placeholder dies with pasta (its parent-death signal), the namespace with both
        // once the instance's sandbox has gone too.
        m_pasta->disconnect(this);
        m_pasta->kill();
        m_pasta->waitForFinished(2000);
    }
}

QString OutboundNetwork::description() const
{
    if (!m_reachHost)
        return QStringLiteral("outbound network through pasta (the host's loopback is out of "
                              "reach)");
    return QStringLiteral("outbound network through pasta (gateway %1 reaches the host's loopback)")
        .arg(m_gateway.isEmpty() ? QStringLiteral("-") : m_gateway);
}

void OutboundNetwork::start(Ready ready)
{
    m_ready = std::move(ready);
    const QString pasta = QStandardPaths::findExecutable(QStringLiteral("pasta"));
    const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
    const QString sleep = QStandardPaths::findExecutable(QStringLiteral("sleep"));
    if (pasta.isEmpty()) {
        fail(QStringLiteral("\"enable_internet\" needs pasta, which is not installed (install "
                            "passt: apt install passt)"));
        return;
    }
    if (setpriv.isEmpty() || sleep.isEmpty()) {
        fail(QStringLiteral("\"enable_internet\" needs setpriv and sleep on PATH (util-linux, "
                            "coreutils)"));
        return;
    }
    QStringList arguments;
    // pasta refuses to keep root and otherwise switches to "nobody", who cannot join anything.
    if (::geteuid() == 0)
        arguments << QStringLiteral("--runas") << QStringLiteral("0");
    arguments << QStringLiteral("--config-net") << QStringLiteral("--quiet")
              << QStringLiteral("--foreground") << QStringLiteral("-t") << QStringLiteral("none")
              << QStringLiteral("-u") << QStringLiteral("none") << QStringLiteral("-T")
              << QStringLiteral("none") << QStringLiteral("-U") << QStringLiteral("none");
    if (!m_reachHost)
        arguments << QStringLiteral("--no-map-gw");
    arguments << QStringLiteral("--dns-forward") << QLatin1String(ImageInstance::kDnsForwarder)
              << QStringLiteral("--") << setpriv << QStringLiteral("--pdeathsig")
              << QStringLiteral("KILL") << QStringLiteral("--") << sleep
              << QStringLiteral("infinity");
    m_pasta = new QProcess(this);
    m_pasta->setProgram(pasta);
    m_pasta->setArguments(arguments);
    m_pasta->setProcessChannelMode(QProcess::MergedChannels);
    m_pasta->setStandardInputFile(QProcess::nullDevice());
    m_pasta->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    connect(m_pasta, &QProcess::finished, this, [this](int code, QProcess::ExitStatus) {
        if (!m_ready) {
            // The instance keeps running, with a network that no longer leads anywhere.
            qCWarning(lcImages).noquote()
                << "pasta exited with code" << code
                << "- an instance lost its outbound network:" << pastaOutput();
            return;
        }
        fail(QStringLiteral("pasta exited with code %1 before the network was ready: %2")
                 .arg(code)
                 .arg(pastaOutput()));
    });
    connect(m_pasta, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(QStringLiteral("pasta cannot start: %1").arg(m_pasta->errorString()));
    });
    m_deadline.setRemainingTime(kStartTimeoutMs);
    m_pasta->start();
    m_poll.start();
}

QString OutboundNetwork::pastaOutput()
{
    QStringList lines;
    for (const QByteArray &line : m_pasta->readAll().split('\n')) {
        // Without a system logger pasta says so on every line it logs.
        if (!line.trimmed().isEmpty() && !line.startsWith("Failed to send"))
            lines << QString::fromUtf8(line.trimmed());
    }
    return lines.isEmpty() ? QStringLiteral("(no output)") : lines.join(QStringLiteral("; "));
}

void OutboundNetwork::poll()
{
    if (!m_ready)
        return;
    if (m_deadline.hasExpired()) {
        fail(QStringLiteral("pasta did not set up the network within %1 s: %2")
                 .arg(kStartTimeoutMs / 1000)
                 .arg(pastaOutput()));
        return;
    }
    const qint64 pasta = m_pasta->processId();
    const qint64 holder = pasta > 0 ? firstChild(pasta) : 0;
    const QString gateway = holder > 0 ? defaultGateway(holder) : QString();
    if (gateway.isEmpty())
        return; // pasta configures the interface and its routes after starting the placeholder
    m_gateway = gateway;
    m_netNs = openNamespace(holder, "net");
    if (::geteuid() != 0)
        m_userNs = openNamespace(holder, "user");
    if (m_netNs < 0 || (::geteuid() != 0 && m_userNs < 0)) {
        fail(QStringLiteral("cannot open the namespaces of pasta's process %1: %2")
                 .arg(holder)
                 .arg(qt_error_string(errno)));
        return;
    }
    finish(Ok{});
}

void OutboundNetwork::fail(const QString &why)
{
    finish(makeError(QStringLiteral("service_unavailable"),
                     QStringLiteral("cannot start: %1").arg(why)));
}

void OutboundNetwork::finish(const Status &status)
{
    m_poll.stop();
    if (Ready ready = std::exchange(m_ready, nullptr))
        ready(status);
}

} // namespace edgedesk
