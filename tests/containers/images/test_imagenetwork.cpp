// Outbound network of image instances ("enable_internet": true), in a real EdgeDesk: the instance
// runs in the network namespace pasta makes for it, with a default route and pasta's DNS
// forwarder, but by default the host's loopback is out of its reach: neither a server this test
// runs on the host's 127.0.0.1 nor EdgeDesk's own port sees it through the gateway address. With
// containersReachHost (--containers-reach-host) both answer it. Without enable_internet the same
// image has loopback only. Either way it is served through /api/* (its Unix socket) as before,
// and with pasta missing the class answers 503 saying what to install.
#include "../containertestkit.h"
#include "imagetestkit.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

// Says on stdout (the instance's log) its default route, then what answered an HTTP request to
// the namespace's gateway address (else an address that has no route) on the test's host server
// (HOST_PORT) and on EdgeDesk's own port (EDGEDESK_PORT): the status line, or "no answer" when
// nothing did within 3 s; then runs the test server as the image would. busybox nc, not wget:
// Debian 12's busybox wget crashes with "-T" and would wait minutes for a gateway that is silent.
// nc's input stays open meanwhile: the half-close its end would send makes the test's host server
// drop the connection unanswered.
const QByteArray kProbeScript =
    "#!/bin/busybox sh\n"
    "bb=/bin/busybox\n"
    "gw=$($bb ip route 2>/dev/null | $bb awk '/^default/ {print $3}')\n"
    "echo \"route: $($bb ip route 2>/dev/null | $bb grep ^default)\"\n"
    "try() {\n"
    "  answer=$( ($bb printf 'GET %s HTTP/1.0\\r\\nHost: 127.0.0.1:%s\\r\\n\\r\\n' \"$3\" \"$2\"; "
    "$bb sleep 3) | $bb timeout 3 $bb nc \"${gw:-192.0.2.1}\" \"$2\" 2>&1 | $bb head -n 1 | "
    "$bb tr -d '\\r')\n"
    "  echo \"$1: ${answer:-no answer}\"\n"
    "}\n"
    "try outbound \"$HOST_PORT\" /from-the-instance\n"
    "try edgedesk \"$EDGEDESK_PORT\" '/__edgedesk/v1/health?from=the-instance'\n"
    "echo \"resolver: $($bb cat /etc/resolv.conf 2>/dev/null)\"\n"
    "echo \"passwd: $($bb grep ^app: /etc/passwd)\"\n"
    "exec /app/server\n";

// The test server image with busybox (a static build) and the script above as its entrypoint.
TestImage probeImage()
{
    TestImage image = serverImage();
    QFile busybox(QStringLiteral("/bin/busybox"));
    if (!busybox.open(QIODevice::ReadOnly))
        return image;
    image.layer({TarEntry::directory("bin/"),
                 TarEntry::file("bin/busybox", busybox.readAll(), 0755),
                 TarEntry::file("app/probe.sh", kProbeScript, 0755)});
    image.run.insert(QStringLiteral("Entrypoint"), QJsonArray{QStringLiteral("/app/probe.sh")});
    return image;
}

// The TCP ports pasta's processes below this one listen on, on the host: their socket
// descriptors looked up in /proc/net/tcp and tcp6 (state 0A, LISTEN). -1 when no pasta runs.
QList<int> pastaListeningPorts()
{
    QSet<QByteArray> sockets;
    bool found = false;
    for (const ProcessInfo &process : descendants(QCoreApplication::applicationPid())) {
        if (!process.comm.startsWith("pasta") && !process.comm.startsWith("passt"))
            continue;
        found = true;
        const QString fds = QStringLiteral("/proc/%1/fd").arg(process.pid);
        for (const QString &fd : QDir(fds).entryList(QDir::System | QDir::NoDotAndDotDot)) {
            char target[64] = {};
            const QByteArray link = QFile::encodeName(fds + QLatin1Char('/') + fd);
            if (::readlink(link.constData(), target, sizeof target - 1) > 0 &&
                QByteArray(target).startsWith("socket:["))
                sockets.insert(QByteArray(target).mid(8).chopped(1));
        }
    }
    if (!found)
        return {-1};
    QList<int> ports;
    for (const char *table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        for (const QByteArray &line : readFile(QLatin1String(table)).split('\n').mid(1)) {
            const QList<QByteArray> fields = line.simplified().split(' ');
            if (fields.size() > 9 && fields[3] == "0A" && sockets.contains(fields[9]))
                ports.append(fields[1].split(':').last().toInt(nullptr, 16));
        }
    }
    return ports;
}

// The command line of the pasta process below this one (empty when none runs).
QByteArrayList pastaArguments()
{
    for (const ProcessInfo &process : descendants(QCoreApplication::applicationPid())) {
        // Debian's pasta is passt's binary (passt.avx2 on most machines) under another name.
        if (process.comm.startsWith("pasta") || process.comm.startsWith("passt"))
            return readFile(QStringLiteral("/proc/%1/cmdline").arg(process.pid)).split('\0');
    }
    return {};
}

constexpr char kProbePath[] = "/__edgedesk/v1/health?from=the-instance";

} // namespace

class TestImageNetwork : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestUpstream> m_host;
    const QByteArray m_path = qgetenv("PATH");

    quint16 port() const { return m_server->port(); }

    // EdgeDesk on a port chosen beforehand, for the image's environment to name it.
    bool start(bool internet, bool reachHost = false)
    {
        const quint16 edgedeskPort = freePort();
        const QJsonObject cls{
            {QStringLiteral("class_name"), QStringLiteral("GoBackend")},
            {QStringLiteral("image"), QStringLiteral("./images/probe.tar")},
            {QStringLiteral("max_instances"), 1},
            {QStringLiteral("enable_internet"), internet},
            {QStringLiteral("env"),
             QJsonObject{{QStringLiteral("HOST_PORT"), QString::number(m_host->port())},
                         {QStringLiteral("EDGEDESK_PORT"), QString::number(edgedeskPort)}}}};
        ServerOptions options;
        options.containersReachHost = reachHost;
        m_server = startServer(m_dir->filePath(QStringLiteral("project")),
                               m_dir->filePath(QStringLiteral("data")),
                               {{QStringLiteral("BACKEND"), cls}}, options, edgedeskPort);
        return m_server != nullptr && m_server->port() == edgedeskPort;
    }

    // Starts instance-0 of an enable_internet class; a reason to skip when this machine has no
    // pasta or pasta cannot make a network here.
    QString startWithInternet(bool reachHost)
    {
        if (QStandardPaths::findExecutable(QStringLiteral("pasta")).isEmpty())
            return QStringLiteral("pasta (Debian package passt) is not installed");
        if (!start(true, reachHost))
            return QStringLiteral("EdgeDesk did not start on the port chosen for it");
        const HttpReply started = request(
            port(), "POST", "/__edgedesk/v1/containers/GoBackend/instance-0/start", {}, {}, 60000);
        const QString message = errorOf(started).value(QStringLiteral("message")).toString();
        if (started.status == 503 && message.contains(QLatin1String("pasta")))
            return QStringLiteral("pasta cannot make a network here: %1").arg(message);
        if (started.status != 200)
            return QStringLiteral("the instance did not start: %1")
                .arg(QString::fromUtf8(started.body));
        return QString();
    }

    // EdgeDesk's traffic records of the probe's request to its port.
    QJsonArray probeRecords()
    {
        QJsonArray found;
        const QJsonArray records = request(port(), "GET", "/__edgedesk/v1/traffic?limit=10000")
                                       .json()
                                       .value(QStringLiteral("records"))
                                       .toArray();
        for (const QJsonValue &record : records) {
            if (record.toObject().value(QStringLiteral("path")).toString() ==
                QLatin1String(kProbePath))
                found.append(record);
        }
        return found;
    }

    QString containment()
    {
        return request(port(), "GET", "/__edgedesk/v1/containers/GoBackend")
            .json()
            .value(QStringLiteral("containment"))
            .toString();
    }

    QString log() { return instanceLog(port(), QStringLiteral("GoBackend"), 0); }

    // The line of the probe script that starts with prefix, once it has written it.
    QString lineOf(const QString &prefix)
    {
        for (const QString &line : log().split(QLatin1Char('\n'))) {
            if (line.startsWith(prefix))
                return line;
        }
        return QString();
    }
    QString outboundLine() { return lineOf(QStringLiteral("outbound: ")); }
    QString edgedeskLine() { return lineOf(QStringLiteral("edgedesk: ")); }

    // Once the probe has tried both: neither the host's server nor EdgeDesk saw it.
    void checkHostUnreached()
    {
        QTRY_VERIFY_WITH_TIMEOUT(!edgedeskLine().isEmpty(), 30000);
        QVERIFY2(!outboundLine().contains(QLatin1String("HTTP/")), qPrintable(log()));
        QVERIFY2(!edgedeskLine().contains(QLatin1String("HTTP/")), qPrintable(log()));
        QCOMPARE(m_host->connectionsAccepted(), 0);
        QCOMPARE(probeRecords(), QJsonArray());
    }

    // The instance answers through /api/* (its Unix socket), as every image instance does.
    void checkServed()
    {
        const HttpReply reply = request(port(), "GET", "/api/hello", {}, {}, 60000);
        QVERIFY2(reply.status == 200, reply.body.constData());
        QCOMPARE(reply.header("x-edgedesk-instance"), QByteArray("instance-0"));
        QCOMPARE(reply.json().value(QStringLiteral("hostname")).toString(),
                 QStringLiteral("instance-0"));
        QCOMPARE(reply.json().value(QStringLiteral("uid")).toInt(), 1234);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!bwrapUsable())
            QSKIP("bubblewrap cannot create a sandbox on this machine");
        if (!QFile::exists(QStringLiteral("/bin/busybox")))
            QSKIP("the probe image needs a static /bin/busybox (Debian package busybox-static)");
    }
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QDir().mkpath(m_dir->filePath(QStringLiteral("project/images")));
        writeFile(m_dir->filePath(QStringLiteral("project/images/probe.tar")),
                  imageArchive(probeImage().ociFiles()));
        m_host = std::make_unique<TestUpstream>(TestUpstream::Mode::Echo);
    }
    void cleanup()
    {
        m_server.reset();
        m_host.reset();
        m_dir.reset();
        qputenv("PATH", m_path);
    }

    void enableInternetKeepsTheHostOutOfReach()
    {
        if (const QString skip = startWithInternet(false); !skip.isEmpty())
            QSKIP(qPrintable(skip));
        QVERIFY(pastaArguments().contains("--no-map-gw"));
        checkHostUnreached();
        // Still a network with a way out: the default route through pasta and its DNS forwarder.
        QVERIFY2(lineOf(QStringLiteral("route: ")).startsWith(QLatin1String("route: default via ")),
                 qPrintable(log()));
        QCOMPARE(lineOf(QStringLiteral("resolver: ")),
                 QStringLiteral("resolver: nameserver 169.254.1.1"));
        checkServed();
        QVERIFY2(containment().contains(QLatin1String(
                     "outbound network through pasta (the host's loopback is out of reach)")),
                 qPrintable(containment()));
    }

    void reachHostOptionReachesTheHost()
    {
        if (const QString skip = startWithInternet(true); !skip.isEmpty())
            QSKIP(qPrintable(skip));
        QVERIFY(!pastaArguments().isEmpty());
        QVERIFY(!pastaArguments().contains("--no-map-gw"));

        QTRY_VERIFY_WITH_TIMEOUT(!edgedeskLine().isEmpty(), 30000);
        QVERIFY2(outboundLine().startsWith(QLatin1String("outbound: HTTP/1.1 200")),
                 qPrintable(log()));
        // EdgeDesk's own port answers it too, as a loopback client: what the option exposes.
        QCOMPARE(edgedeskLine(), QStringLiteral("edgedesk: HTTP/1.1 200 OK"));
        QTRY_COMPARE(probeRecords().size(), 1);
        QCOMPARE(probeRecords().first().toObject().value(QStringLiteral("status")).toInt(), 200);
        // Names resolve through pasta's forwarder; the rest of the image's /etc is still there.
        QTRY_VERIFY(!lineOf(QStringLiteral("passwd: ")).isEmpty());
        QCOMPARE(lineOf(QStringLiteral("resolver: ")),
                 QStringLiteral("resolver: nameserver 169.254.1.1"));
        QCOMPARE(lineOf(QStringLiteral("passwd: ")),
                 QStringLiteral("passwd: app:x:1234:2345:App:/home/app:/bin/sh"));
        // The request came in on the host's loopback, from the instance.
        QCOMPARE(m_host->requestsSeen(), 1);
        QVERIFY(m_host->lastHead().startsWith("GET /from-the-instance HTTP/1.0\r\n"));
        checkServed();
        // Nothing is forwarded into it: pasta listens on no port of the host.
        QCOMPARE(pastaListeningPorts(), QList<int>());

        // What contains it says so.
        QVERIFY2(containment().contains(QLatin1String("outbound network through pasta (gateway ")),
                 qPrintable(containment()));
        QVERIFY2(containment().contains(QLatin1String(" reaches the host's loopback)")),
                 qPrintable(containment()));

        // Stopping the instance ends its pasta too: a second start makes a fresh one.
        QCOMPARE(request(port(), "POST", "/__edgedesk/v1/containers/GoBackend/instance-0/stop", {},
                         {}, 30000)
                     .status,
                 200);
        QTRY_COMPARE(request(port(), "GET", "/__edgedesk/v1/containers/GoBackend/instance-0")
                         .json()
                         .value(QStringLiteral("state"))
                         .toString(),
                     QStringLiteral("stopped"));
        checkServed();
        QTRY_COMPARE_WITH_TIMEOUT(m_host->requestsSeen(), 2, 30000);
    }

    void rootGivesItItsOwnHostUid()
    {
        if (::geteuid() != 0)
            QSKIP("only root picks a host uid for each instance");
        if (QStandardPaths::findExecutable(QStringLiteral("pasta")).isEmpty())
            QSKIP("pasta (Debian package passt) is not installed");
        // The data folder reachable by other uids, as ~/.local/share is: the sandbox then runs as
        // the instance's own host uid, and enters pasta's namespace before switching to it.
        for (const QString &path : {m_dir->path(), m_dir->filePath(QStringLiteral("project")),
                                    m_dir->filePath(QStringLiteral("project/images"))})
            QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner |
                                                    QFile::ExeOwner | QFile::ReadOther |
                                                    QFile::ExeOther));
        QVERIFY(start(true, true));
        checkServed();
        QTRY_VERIFY_WITH_TIMEOUT(!outboundLine().isEmpty(), 30000);
        QVERIFY2(outboundLine().startsWith(QLatin1String("outbound: HTTP/1.1 200")),
                 qPrintable(log()));
        QCOMPARE(m_host->requestsSeen(), 1);
        const qint64 pid =
            qint64(request(port(), "GET", "/__edgedesk/v1/containers/GoBackend/instance-0")
                       .json()
                       .value(QStringLiteral("pid"))
                       .toDouble());
        QVERIFY(pid > 0);
        const qint64 hostUid = hostUidOf(pid);
        QVERIFY2(hostUid >= 3998000 && hostUid < 3999000, QByteArray::number(hostUid).constData());
    }

    void withoutItLoopbackOnly()
    {
        QVERIFY(start(false));
        checkServed();
        checkHostUnreached();
        QCOMPARE(lineOf(QStringLiteral("route: ")), QStringLiteral("route: "));
        // The image's /etc as it is: it has no resolv.conf.
        QTRY_VERIFY(!lineOf(QStringLiteral("passwd: ")).isEmpty());
        QCOMPARE(lineOf(QStringLiteral("resolver: ")), QStringLiteral("resolver: "));
        QVERIFY(!log().contains(QLatin1String("pasta")));
    }

    // A PATH with the sandbox's tools but no pasta (the bin folder, for a stand-in to go in).
    QString pathWithoutPasta()
    {
        const QString bin = m_dir->filePath(QStringLiteral("bin"));
        QDir().mkpath(bin);
        for (const QString &tool :
             {QStringLiteral("bwrap"), QStringLiteral("setpriv"), QStringLiteral("sleep")})
            QFile::link(QStandardPaths::findExecutable(tool), bin + QLatin1Char('/') + tool);
        qputenv("PATH", QFile::encodeName(bin));
        return bin;
    }

    // /api/* answers 503 (JSON, service_unavailable) with a message that contains what; the
    // instance is stopped and reached nothing.
    void refusedWith(const QString &what)
    {
        QVERIFY(start(true));
        const HttpReply reply = request(port(), "GET", "/api/hello", {}, {}, 60000);
        QCOMPARE(reply.status, 503);
        QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
        QCOMPARE(errorOf(reply).value(QStringLiteral("code")).toString(),
                 QStringLiteral("service_unavailable"));
        const QString message = errorOf(reply).value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(what), qPrintable(message));
        QCOMPARE(m_host->connectionsAccepted(), 0);
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/containers/GoBackend/instance-0")
                     .json()
                     .value(QStringLiteral("state"))
                     .toString(),
                 QStringLiteral("stopped"));
    }

    void missingPastaIsRefusedWithWhatToInstall()
    {
        pathWithoutPasta();
        refusedWith(QStringLiteral("needs pasta, which is not installed (install passt"));
    }

    void failingPastaIsRefusedWithWhatItSaid()
    {
        // A stand-in for a pasta that cannot set up a network on this machine.
        const QString pasta = pathWithoutPasta() + QStringLiteral("/pasta");
        writeFile(pasta, "#!/bin/sh\necho 'Failed to send 40 bytes to syslog' >&2\n"
                         "echo 'No external routable interface for IPv4' >&2\nexit 1\n");
        QVERIFY(QFile::setPermissions(pasta, QFile::ReadOwner | QFile::ExeOwner));
        refusedWith(QStringLiteral("cannot start: pasta exited with code 1 before the network was "
                                   "ready: No external routable interface for IPv4"));
    }
};

QTEST_GUILESS_MAIN(TestImageNetwork)
#include "test_imagenetwork.moc"
