// Image instances end to end, in a real EdgeDesk: a class whose "image" is an archive next to the
// configuration, three instances of it all listening on 8080 (each in its own network namespace),
// reached through /api/*; the process the image config describes; the images control API.
#include "../containertestkit.h"
#include "containers/images/imagestore.h"
#include "imagetestkit.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

bool bwrapUsable()
{
    return run(QStringLiteral("bwrap"), {QStringLiteral("--ro-bind"), QStringLiteral("/"),
                                         QStringLiteral("/"), QStringLiteral("true")})
               .exitCode == 0;
}

QJsonObject imageClass(const QString &image, int maxInstances = 3)
{
    return {{QStringLiteral("class_name"), QStringLiteral("GoBackend")},
            {QStringLiteral("image"), image},
            {QStringLiteral("max_instances"), maxInstances},
            {QStringLiteral("instance_type"), QStringLiteral("basic")},
            {QStringLiteral("env"), QJsonObject{{QStringLiteral("APP_ENV"), QStringLiteral("test")},
                                                {QStringLiteral("SERVICE"), 7}}}};
}

} // namespace

class TestImageInstances : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestServer> m_server;

    quint16 port() const { return m_server->port(); }
    bool start(const QJsonObject &cls)
    {
        const QString config = writeConfig(m_dir->filePath(QStringLiteral("project")),
                                           {{QStringLiteral("BACKEND"), cls}});
        ServerOptions options;
        options.configPath = config;
        options.dataDir = m_dir->filePath(QStringLiteral("data"));
        options.programDir = binDir();
        m_server = std::make_unique<TestServer>(options);
        if (!m_server->start()) {
            qWarning() << "server did not start:" << m_server->lastError();
            return false;
        }
        return true;
    }
    QJsonObject gobackend()
    {
        return request(port(), "GET", "/__edgedesk/v1/containers/GoBackend").json();
    }
    QString state(int instance)
    {
        return request(port(), "GET",
                       QStringLiteral("/__edgedesk/v1/containers/GoBackend/instance-%1")
                           .arg(instance)
                           .toUtf8())
            .json()
            .value(QStringLiteral("state"))
            .toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!bwrapUsable())
            QSKIP("bubblewrap cannot create a sandbox on this machine");
    }
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QDir().mkpath(m_dir->filePath(QStringLiteral("project/images")));
        writeFile(m_dir->filePath(QStringLiteral("project/images/server.tar")),
                  imageArchive(serverImage().ociFiles()));
    }
    void cleanup()
    {
        m_server.reset();
        m_dir.reset();
    }

    void threeInstancesShareOnePort()
    {
        QVERIFY(start(imageClass(QStringLiteral("./images/server.tar"))));
        for (int i = 0; i < 3; ++i) {
            const HttpReply started =
                request(port(), "POST",
                        QStringLiteral("/__edgedesk/v1/containers/GoBackend/instance-%1/start")
                            .arg(i)
                            .toUtf8(),
                        {}, {}, 60000);
            QVERIFY2(started.status == 200, started.body.constData());
        }
        for (int i = 0; i < 3; ++i)
            QCOMPARE(state(i), QStringLiteral("healthy"));

        // getRandom picks among the three: each answers for itself, from the same port 8080.
        QHash<QString, QJsonObject> seen;
        for (int attempt = 0; attempt < 200 && seen.size() < 3; ++attempt) {
            const HttpReply reply = request(port(), "GET", "/api/hello?x=1", {}, {}, 20000);
            QCOMPARE(reply.status, 200);
            QCOMPARE(reply.header("content-type"), QByteArray("application/json"));
            const QString instance = QString::fromUtf8(reply.header("x-edgedesk-instance"));
            QCOMPARE(reply.json().value(QStringLiteral("hostname")).toString(), instance);
            seen.insert(instance, reply.json());
        }
        QCOMPARE(QSet<QString>(seen.keyBegin(), seen.keyEnd()),
                 (QSet<QString>{"instance-0", "instance-1", "instance-2"}));
        for (auto it = seen.cbegin(); it != seen.cend(); ++it) {
            const QJsonObject answer = it.value();
            const QJsonObject env = answer.value(QStringLiteral("env")).toObject();
            QCOMPARE(answer.value(QStringLiteral("path")).toString(),
                     QStringLiteral("/api/hello?x=1"));
            QCOMPARE(answer.value(QStringLiteral("cwd")).toString(), QStringLiteral("/app"));
            QCOMPARE(answer.value(QStringLiteral("uid")).toInt(), 1234);
            QCOMPARE(answer.value(QStringLiteral("gid")).toInt(), 2345);
            QCOMPARE(env.value(QStringLiteral("PORT")).toString(), QStringLiteral("8080"));
            QCOMPARE(env.value(QStringLiteral("GREETING")).toString(),
                     QStringLiteral("hello from the image"));
            QCOMPARE(env.value(QStringLiteral("APP_ENV")).toString(), QStringLiteral("test"));
            QCOMPARE(env.value(QStringLiteral("SERVICE")).toString(), QStringLiteral("7"));
            QCOMPARE(env.value(QStringLiteral("INSTANCE_ID")).toString(), it.key());
            QCOMPARE(env.value(QStringLiteral("HOME")).toString(), QStringLiteral("/home/app"));
            QCOMPARE(env.value(QStringLiteral("PATH")).toString(), QStringLiteral("/app:/bin"));
            // The working directory is a writable copy, and /tmp the instance's own.
            QVERIFY(answer.value(QStringLiteral("cwd_writable")).toBool());
            QVERIFY(answer.value(QStringLiteral("tmp_writable")).toBool());
        }

        // The class shows its image; the cache holds it once; the copy of /app is per instance.
        const QJsonObject info = gobackend().value(QStringLiteral("image_info")).toObject();
        const TestImage image = serverImage();
        QCOMPARE(info.value(QStringLiteral("digest")).toString(), image.id());
        QCOMPARE(info.value(QStringLiteral("kind")).toString(), QStringLiteral("archive"));
        QCOMPARE(info.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
        QCOMPARE(info.value(QStringLiteral("path")).toString(),
                 QDir::cleanPath(m_dir->filePath(QStringLiteral("project/images/server.tar"))));
        QCOMPARE(info.value(QStringLiteral("exposed_ports")).toArray(), QJsonArray{8080});
        const QString written = m_dir->filePath(
            QStringLiteral("data/images/instances/BACKEND-instance-1/work/written-here.txt"));
        QCOMPARE(readFile(written), QByteArray("written by imagetestserver\n"));
        ImageStore store(m_dir->filePath(QStringLiteral("data/images")));
        QCOMPARE(store.images().size(), 1);
        QVERIFY(!QFileInfo::exists(store.rootfs(store.images().first()) +
                                   QStringLiteral("/app/written-here.txt")));

        // The image cannot be removed while instances run from it.
        const QByteArray target = "/__edgedesk/v1/images/" + image.id().toUtf8();
        const HttpReply busy = request(port(), "DELETE", target);
        QCOMPARE(busy.status, 409);
        QCOMPARE(busy.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("conflict"));
        const QJsonArray listed = request(port(), "GET", "/__edgedesk/v1/images")
                                      .json()
                                      .value(QStringLiteral("images"))
                                      .toArray();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.first().toObject().value(QStringLiteral("in_use")).toBool(), true);

        // Stopped, the writable copies are gone, and the image can go.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(request(port(), "POST",
                             QStringLiteral("/__edgedesk/v1/containers/GoBackend/instance-%1/stop")
                                 .arg(i)
                                 .toUtf8(),
                             {}, {}, 30000)
                         .status,
                     200);
        for (int i = 0; i < 3; ++i)
            QTRY_COMPARE_WITH_TIMEOUT(state(i), QStringLiteral("stopped"), 15000);
        QVERIFY(!QFileInfo::exists(written));
        const HttpReply removed = request(port(), "DELETE", target);
        QCOMPARE(removed.status, 200);
        QCOMPARE(removed.json(), (QJsonObject{{QStringLiteral("removed"), image.id()}}));
        QCOMPARE(store.images().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestImageInstances)
#include "test_imageinstances.moc"
