// Outbound network of image instances ("enable_internet": true), in a real EdgeDesk: the instance
// runs in the network namespace pasta makes for it and reaches a server this test runs on the
// host's loopback through pasta's gateway address; without enable_internet the same image has
// loopback only. Either way it is served through /api/* (its Unix socket) as before, and with
// pasta missing the class answers 503 saying what to install.
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

// Tries the host (the namespace's default gateway, else an address that has no route), says
// what happened on stdout (the instance's log), then runs the test server as the image would.
// No "-T": Debian 12's busybox wget crashes with it; the test's own wait bounds the attempt.
const QByteArray kProbeScript =
    "#!/bin/busybox sh\n"
    "gw=$(/bin/busybox ip route 2>/dev/null | /bin/busybox awk '/^default/ {print $3}')\n"
    "if /bin/busybox wget -q -O /dev/null "
    "\"http://${gw:-192.0.2.1}:${HOST_PORT}/from-the-instance\" 2>/tmp/wget.err\n"
    "then echo \"outbound: reached the host through ${gw}\"\n"
    "else echo \"outbound: failed ($(/bin/busybox cat /tmp/wget.err))\"\n"
    "fi\n"
    "echo \"resolver: $(/bin/busybox cat /etc/resolv.conf 2>/dev/null)\"\n"
    "echo \"passwd: $(/bin/busybox grep ^app: /etc/passwd)\"\n"
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

    bool start(bool internet)
    {
        const QJsonObject cls{
            {QStringLiteral("class_name"), QStringLiteral("GoBackend")},
            {QStringLiteral("image"), QStringLiteral("./images/probe.tar")},
            {QStringLiteral("max_instances"), 1},
            {QStringLiteral("enable_internet"), internet},
            {QStringLiteral("env"),
             QJsonObject{{QStringLiteral("HOST_PORT"), QString::number(m_host->port())}}}};
        m_server = startServer(m_dir->filePath(QStringLiteral("project")),
                               m_dir->filePath(QStringLiteral("data")),
                               {{QStringLiteral("BACKEND"), cls}});
        return m_server != nullptr;
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

    void enableInternetReachesTheHost()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("pasta")).isEmpty())
            QSKIP("pasta (Debian package passt) is not installed");
        QVERIFY(start(true));
        const HttpReply started = request(
            port(), "POST", "/__edgedesk/v1/containers/GoBackend/instance-0/start", {}, {}, 60000);
        if (started.status == 503 && errorOf(started)
                                         .value(QStringLiteral("message"))
                                         .toString()
                                         .contains(QLatin1String("pasta")))
            QSKIP(
                qPrintable(QStringLiteral("pasta cannot make a network here: %1")
                               .arg(errorOf(started).value(QStringLiteral("message")).toString())));
        QVERIFY2(started.status == 200, started.body.constData());

        QTRY_VERIFY_WITH_TIMEOUT(!outboundLine().isEmpty(), 30000);
        QVERIFY2(outboundLine().startsWith(QLatin1String("outbound: reached the host through ")),
                 qPrintable(log()));
        // Names resolve through pasta's forwarder; the rest of the image's /etc is still there.
        QTRY_VERIFY(!lineOf(QStringLiteral("passwd: ")).isEmpty());
        QCOMPARE(lineOf(QStringLiteral("resolver: ")),
                 QStringLiteral("resolver: nameserver 169.254.1.1"));
        QCOMPARE(lineOf(QStringLiteral("passwd: ")),
                 QStringLiteral("passwd: app:x:1234:2345:App:/home/app:/bin/sh"));
        // The request came in on the host's loopback, from the instance.
        QCOMPARE(m_host->requestsSeen(), 1);
        QVERIFY(m_host->lastHead().startsWith("GET /from-the-instance HTTP/1.1\r\n"));
        checkServed();
        // Nothing is forwarded into it: pasta listens on no port of the host.
        QCOMPARE(pastaListeningPorts(), QList<int>());

        // What contains it says so.
        const QJsonObject cls =
            request(port(), "GET", "/__edgedesk/v1/containers/GoBackend").json();
        QVERIFY2(cls.value(QStringLiteral("containment"))
                     .toString()
                     .contains(QLatin1String("outbound network through pasta")),
                 qPrintable(cls.value(QStringLiteral("containment")).toString()));
        QVERIFY(!cls.contains(QStringLiteral("error")));

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
        QVERIFY(start(true));
        checkServed();
        QTRY_VERIFY_WITH_TIMEOUT(!outboundLine().isEmpty(), 30000);
        QVERIFY2(outboundLine().startsWith(QLatin1String("outbound: reached the host through ")),
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
        QTRY_VERIFY_WITH_TIMEOUT(!outboundLine().isEmpty(), 30000);
        QVERIFY2(outboundLine().startsWith(QLatin1String("outbound: failed")), qPrintable(log()));
        // The image's /etc as it is: it has no resolv.conf.
        QTRY_VERIFY(!lineOf(QStringLiteral("passwd: ")).isEmpty());
        QCOMPARE(lineOf(QStringLiteral("resolver: ")), QStringLiteral("resolver: "));
        QCOMPARE(m_host->connectionsAccepted(), 0);
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
