// Image instances end to end, in a real EdgeDesk: a class whose "image" is an archive next to the
// configuration, three instances of it all listening on 8080 (each in its own network namespace),
// reached through /api/*; the process the image config describes; the images control API.
#include "../containertestkit.h"
#include "containers/images/imagestore.h"
#include "imagetestkit.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

QJsonObject imageClass(const QString &image, int maxInstances = 3)
{
    return {{QStringLiteral("class_name"), QStringLiteral("GoBackend")},
            {QStringLiteral("image"), image},
            {QStringLiteral("max_instances"), maxInstances},
            {QStringLiteral("instance_type"), QStringLiteral("basic")},
            {QStringLiteral("env"), QJsonObject{{QStringLiteral("APP_ENV"), QStringLiteral("test")},
                                                {QStringLiteral("SERVICE"), 7}}}};
}

void writeScript(const QString &path, const QByteArray &body)
{
    writeFile(path, "#!/bin/sh\n" + body);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

} // namespace

class TestImageInstances : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<TestServer> m_server;
    const QByteArray m_path = qgetenv("PATH");
    // The lines of an instance's log.
    QString logOf(int instance)
    {
        return instanceLog(port(), QStringLiteral("GoBackend"), instance);
    }

    quint16 port() const { return m_server->port(); }
    bool start(const QJsonObject &cls)
    {
        m_server = startServer(m_dir->filePath(QStringLiteral("project")),
                               m_dir->filePath(QStringLiteral("data")),
                               {{QStringLiteral("BACKEND"), cls}});
        return m_server != nullptr;
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
        qputenv("PATH", m_path);
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
            const HttpReply reply = request(port(), "GET", "/api/hello?write=1", {}, {}, 20000);
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
                     QStringLiteral("/api/hello?write=1"));
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
    void aCrashingImageGetsTheStatesOfABuiltInProgram()
    {
        QJsonObject cls = imageClass(QStringLiteral("./images/server.tar"), 1);
        cls.insert(QStringLiteral("env"),
                   QJsonObject{{QStringLiteral("EXIT_AT_START"), QStringLiteral("3")}});
        QVERIFY(start(cls));
        const HttpReply reply = request(port(), "GET", "/api/anything", {}, {}, 30000);
        QCOMPARE(reply.status, 503);
        QCOMPARE(errorOf(reply).value(QStringLiteral("code")).toString(),
                 QStringLiteral("service_unavailable"));
        QCOMPARE(errorOf(reply).value(QStringLiteral("message")).toString(),
                 QStringLiteral("instance-0 of GoBackend exited with code 3 while starting"));
        QCOMPARE(state(0), QStringLiteral("stopped_with_code"));
        const QJsonObject instance =
            request(port(), "GET", "/__edgedesk/v1/containers/GoBackend/instance-0").json();
        QCOMPARE(instance.value(QStringLiteral("exit_code")).toInt(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(
            logOf(0).contains(QStringLiteral("imagetestserver: exiting with 3 as asked")), 10000);
    }

    void aDockerfileWithoutAWorkingEngine()
    {
        const QString bin = m_dir->filePath(QStringLiteral("bin"));
        writeScript(bin + QStringLiteral("/docker"),
                    "[ \"$1\" = info ] && { echo 'Cannot connect to the Docker daemon' >&2; exit "
                    "1; }\nexit 125\n");
        qputenv("PATH", QFile::encodeName(bin) + ":/usr/sbin:/usr/bin:/sbin:/bin");
        writeFile(m_dir->filePath(QStringLiteral("project/Dockerfile.gobackend")),
                  "FROM scratch\n");
        QVERIFY(start(imageClass(QStringLiteral("./Dockerfile.gobackend"), 1)));
        const HttpReply reply = request(port(), "GET", "/api/anything", {}, {}, 30000);
        QCOMPARE(reply.status, 503);
        const QString message = errorOf(reply).value(QStringLiteral("message")).toString();
        QCOMPARE(errorOf(reply).value(QStringLiteral("code")).toString(),
                 QStringLiteral("service_unavailable"));
        QVERIFY2(message.startsWith(
                     QStringLiteral("instance-0 of GoBackend cannot start: GoBackend needs a "
                                    "container engine to build Dockerfile.gobackend, and none "
                                    "works here (podman: not found on PATH; docker: `docker info` "
                                    "fails (Cannot connect to the Docker daemon))")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral(
                     "`docker build -f Dockerfile.gobackend -t gobackend . && docker "
                     "save gobackend -o gobackend.tar`")) &&
                     message.endsWith(QStringLiteral(
                         "then set \"image\": \"./gobackend.tar\" in the configuration")),
                 qPrintable(message));
        const QJsonObject info = gobackend().value(QStringLiteral("image_info")).toObject();
        QCOMPARE(info.value(QStringLiteral("kind")).toString(), QStringLiteral("dockerfile"));
        QCOMPARE(info.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    }

    void aDockerfileBuiltByAStandInEngine()
    {
        // No engine runs on these machines: a stand-in podman on PATH builds "the image" by
        // handing over a prepared archive, which is the code path a real build takes after it.
        const QString bin = m_dir->filePath(QStringLiteral("bin"));
        writeScript(bin + QStringLiteral("/podman"),
                    "case \"$1\" in\n"
                    "  info) exit 0 ;;\n"
                    "  build) echo 'STEP 1/2: FROM scratch'; echo 'STEP 2/2: COPY server "
                    "/app/server'; exit 0 ;;\n"
                    "  save) cp \"$STAND_IN_ARCHIVE\" \"$3\"; exit 0 ;;\n"
                    "esac\nexit 125\n");
        qputenv("PATH", QFile::encodeName(bin) + ":/usr/sbin:/usr/bin:/sbin:/bin");
        qputenv("STAND_IN_ARCHIVE",
                QFile::encodeName(m_dir->filePath(QStringLiteral("project/images/server.tar"))));
        writeFile(m_dir->filePath(QStringLiteral("project/Dockerfile.gobackend")),
                  "FROM scratch\n");
        QVERIFY(start(imageClass(QStringLiteral("./Dockerfile.gobackend"), 1)));
        const HttpReply reply = request(port(), "GET", "/api/built", {}, {}, 60000);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("hostname")).toString(),
                 QStringLiteral("instance-0"));
        QCOMPARE(reply.json().value(QStringLiteral("argv")).toArray(),
                 QJsonArray{QStringLiteral("/app/server")});
        QTRY_VERIFY_WITH_TIMEOUT(
            logOf(0).contains(QStringLiteral("STEP 2/2: COPY server /app/server")), 10000);
        QVERIFY(logOf(0).contains(QStringLiteral("building Dockerfile.gobackend with podman")));
        QCOMPARE(gobackend()
                     .value(QStringLiteral("image_info"))
                     .toObject()
                     .value(QStringLiteral("digest"))
                     .toString(),
                 serverImage().id());
        // The archive the build saved is not kept: the image lives in the cache.
        QCOMPARE(QDir(m_dir->filePath(QStringLiteral("data/images/builds"))).entryList(QDir::Files),
                 QStringList());
    }

    void aProgramBesideTheConfigurationWithItsCommand()
    {
        QDir().mkpath(m_dir->filePath(QStringLiteral("project/bin")));
        const QString program = m_dir->filePath(QStringLiteral("project/bin/server"));
        QVERIFY(QFile::copy(test::program(QStringLiteral("imagetestserver")), program));
        QJsonObject cls = imageClass(QStringLiteral("./bin/server"), 1);
        cls.insert(QStringLiteral("command"),
                   QJsonArray{QStringLiteral("--verbose"), QStringLiteral("x y")});
        QVERIFY(start(cls));
        const HttpReply reply = request(port(), "GET", "/api/program", {}, {}, 30000);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("argv")).toArray(),
                 (QJsonArray{program, QStringLiteral("--verbose"), QStringLiteral("x y")}));
        QVERIFY(!gobackend().contains(QStringLiteral("image_info")));
    }

    void theImagesControlApi()
    {
        QVERIFY(start(imageClass(QStringLiteral("./images/server.tar"), 1)));
        const TestImage image = serverImage(Compression::Zstd);
        const QByteArray tar = imageArchive(image.dockerFiles());
        const HttpReply added = request(port(), "POST", "/__edgedesk/v1/images",
                                        {{"Content-Type", "application/x-tar"}}, tar, 60000);
        QCOMPARE(added.status, 201);
        const QJsonObject record = added.json().value(QStringLiteral("image")).toObject();
        QCOMPARE(record.value(QStringLiteral("digest")).toString(), image.id());
        QCOMPARE(record.value(QStringLiteral("format")).toString(), QStringLiteral("docker"));
        QCOMPARE(record.value(QStringLiteral("source")).toString(), QStringLiteral("upload"));
        QCOMPARE(record.value(QStringLiteral("exposed_ports")).toArray(), QJsonArray{8080});

        const QJsonObject listing = request(port(), "GET", "/__edgedesk/v1/images").json();
        QCOMPARE(listing.value(QStringLiteral("images")).toArray().size(), 1);
        const QJsonObject listed =
            listing.value(QStringLiteral("images")).toArray().first().toObject();
        QCOMPARE(listed.value(QStringLiteral("in_use")).toBool(), false);
        QCOMPARE(listing.value(QStringLiteral("layers")).toArray().size(), 1);
        QCOMPARE(listing.value(QStringLiteral("layers"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("used_by"))
                     .toArray(),
                 QJsonArray{image.id()});

        // Refusals, each with the one error shape, and nothing stored or lost.
        TestImage hostile;
        hostile.layer({TarEntry::file("../../escape", "x")});
        const HttpReply refused =
            request(port(), "POST", "/__edgedesk/v1/images", {}, imageArchive(hostile.ociFiles()));
        QCOMPARE(refused.status, 422);
        QCOMPARE(errorOf(refused).value(QStringLiteral("code")).toString(),
                 QStringLiteral("unprocessable"));
        QVERIFY(errorOf(refused)
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("climbs out")));
        const HttpReply wrongType =
            request(port(), "POST", "/__edgedesk/v1/images", {{"Content-Type", "text/plain"}}, tar);
        QCOMPARE(wrongType.status, 415);
        QCOMPARE(errorOf(wrongType).value(QStringLiteral("code")).toString(),
                 QStringLiteral("unsupported_media_type"));
        const HttpReply empty = request(port(), "POST", "/__edgedesk/v1/images");
        QCOMPARE(empty.status, 400);
        QCOMPARE(request(port(), "DELETE", "/__edgedesk/v1/images/latest").status, 400);
        const HttpReply unknown =
            request(port(), "DELETE", "/__edgedesk/v1/images/sha256:" + QByteArray(64, 'a'));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(errorOf(unknown).value(QStringLiteral("code")).toString(),
                 QStringLiteral("not_found"));
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/images")
                     .json()
                     .value(QStringLiteral("images"))
                     .toArray()
                     .size(),
                 1);
        QCOMPARE(QDir(m_dir->filePath(QStringLiteral("data/images/uploads")))
                     .entryList(QDir::NoDotAndDotDot | QDir::AllEntries),
                 QStringList());

        QCOMPARE(request(port(), "DELETE", "/__edgedesk/v1/images/" + image.id().toUtf8()).status,
                 200);
        QCOMPARE(request(port(), "GET", "/__edgedesk/v1/images").json(),
                 (QJsonObject{{QStringLiteral("images"), QJsonArray()},
                              {QStringLiteral("layers"), QJsonArray()}}));
    }
    void anImageInstanceIsNotRootOnTheHost()
    {
        if (::geteuid() != 0)
            QSKIP("only root picks a host uid for each instance");
        // The data folder reachable by other uids, as ~/.local/share is: the instance's own uid
        // then reads the image and gets its writable copy.
        for (const QString &path : {m_dir->path(), m_dir->filePath(QStringLiteral("project")),
                                    m_dir->filePath(QStringLiteral("project/images"))})
            QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner |
                                                    QFile::ExeOwner | QFile::ReadOther |
                                                    QFile::ExeOther));
        QVERIFY(start(imageClass(QStringLiteral("./images/server.tar"), 1)));
        const HttpReply reply = request(port(), "GET", "/api/write", {}, {}, 30000);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().value(QStringLiteral("uid")).toInt(),
                 1234); // inside, as the image says
        QVERIFY(reply.json().value(QStringLiteral("cwd_writable")).toBool());
        const qint64 pid =
            qint64(request(port(), "GET", "/__edgedesk/v1/containers/GoBackend/instance-0")
                       .json()
                       .value(QStringLiteral("pid"))
                       .toDouble());
        QVERIFY(pid > 0);
        const qint64 hostUid = hostUidOf(pid);
        QVERIFY2(hostUid >= 3998000 && hostUid < 3999000, QByteArray::number(hostUid).constData());
    }
};

QTEST_GUILESS_MAIN(TestImageInstances)
#include "test_imageinstances.moc"
