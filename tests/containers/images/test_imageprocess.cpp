// What an image instance runs: Entrypoint + Cmd, Env merged with the class's env, WorkingDir, User
// looked up inside the image, the port; and what a class's "image" names.
#include "containers/images/imageprocess.h"
#include "containers/images/imagereference.h"
#include "containers/images/imagestore.h"
#include "containers/images/rootdirectory.h"
#include "imagetestkit.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestImageProcess : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ImageStore> m_store;

    // Loads image and resolves its process with the given class settings.
    Result<ImageProcess> resolve(const TestImage &image,
                                 const ImageProcess::Overrides &overrides = {})
    {
        const QString path = m_dir.filePath(QStringLiteral("image.tar"));
        writeFile(path, imageArchive(image.ociFiles()));
        auto loaded = m_store->load(path);
        if (!loaded)
            qFatal("%s", qPrintable(loaded.error().message));
        auto root = RootDirectory::open(m_store->rootfs(*loaded));
        return ImageProcess::resolve(*loaded, overrides, *root);
    }
    static TestImage withUser(const QString &user, const QList<TarEntry> &extra = {})
    {
        TestImage image;
        image.layer(
            QList<TarEntry>{TarEntry::file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                                         "app:x:1234:2345:App:/home/app:/bin/sh\n"
                                                         "# a comment\n\n"
                                                         "nohome:x:77:88::/:/bin/false\n"),
                            TarEntry::file("etc/group", "app:x:2345:\nstaff:x:50:app\n")} +
            extra);
        image.run = {{QStringLiteral("Cmd"), QJsonArray{QStringLiteral("/server")}},
                     {QStringLiteral("User"), user}};
        return image;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<ImageStore>(m_dir.filePath(QStringLiteral("images")));
    }

    void theImageConfigDecides()
    {
        auto process = resolve(serverImage());
        QVERIFY(process);
        QCOMPARE(process->argv, QStringList{QStringLiteral("/app/server")});
        QCOMPARE(process->workingDirectory, QStringLiteral("/app"));
        QCOMPARE(process->uid, 1234u);
        QCOMPARE(process->gid, 2345u);
        QCOMPARE(process->userName, QStringLiteral("app"));
        QCOMPARE(process->home, QStringLiteral("/home/app"));
        QCOMPARE(process->port, 8080);
        const QMap<QString, QString> expected{
            {QStringLiteral("PATH"), QStringLiteral("/app:/bin")},
            {QStringLiteral("GREETING"), QStringLiteral("hello from the image")},
            {QStringLiteral("HOME"), QStringLiteral("/home/app")},
            {QStringLiteral("PORT"), QStringLiteral("8080")}};
        QCOMPARE(process->environment, expected);
    }

    void theClassOverrides()
    {
        TestImage image = serverImage();
        QJsonObject run = image.run;
        run.insert(QStringLiteral("Entrypoint"),
                   QJsonArray{QStringLiteral("/app/server"), QStringLiteral("--serve")});
        run.insert(QStringLiteral("Cmd"), QJsonArray{QStringLiteral("--default")});
        run.insert(QStringLiteral("ExposedPorts"),
                   QJsonObject{{QStringLiteral("9000/tcp"), QJsonObject()},
                               {QStringLiteral("53/udp"), QJsonObject()}});
        image.run = run;
        auto fromImage = resolve(image);
        QVERIFY(fromImage);
        QCOMPARE(fromImage->argv, (QStringList{"/app/server", "--serve", "--default"}));
        QCOMPARE(fromImage->port, 9000); // the single TCP port exposed
        QCOMPARE(fromImage->environment.value(QStringLiteral("PORT")), QStringLiteral("9000"));

        ImageProcess::Overrides overrides;
        overrides.command = {QStringLiteral("--from-class")};
        overrides.env = {{QStringLiteral("GREETING"), QStringLiteral("from the class")},
                         {QStringLiteral("APP_ENV"), QStringLiteral("production")},
                         {QStringLiteral("PORT"), QStringLiteral("7000")}};
        overrides.port = 7000;
        auto fromClass = resolve(image, overrides);
        QVERIFY(fromClass);
        QCOMPARE(fromClass->argv, (QStringList{"/app/server", "--serve", "--from-class"}));
        QCOMPARE(fromClass->port, 7000);
        QCOMPARE(fromClass->environment.value(QStringLiteral("GREETING")),
                 QStringLiteral("from the class"));
        QCOMPARE(fromClass->environment.value(QStringLiteral("APP_ENV")),
                 QStringLiteral("production"));
        QCOMPARE(fromClass->environment.value(QStringLiteral("PATH")), QStringLiteral("/app:/bin"));
    }

    void defaults()
    {
        TestImage image;
        image.layer({TarEntry::file("server", "x", 0755)});
        image.run = {{QStringLiteral("Cmd"), QJsonArray{QStringLiteral("/server")}},
                     {QStringLiteral("ExposedPorts"),
                      QJsonObject{{QStringLiteral("80/tcp"), QJsonObject()},
                                  {QStringLiteral("443/tcp"), QJsonObject()}}}};
        auto process = resolve(image);
        QVERIFY(process);
        QCOMPARE(process->workingDirectory, QStringLiteral("/"));
        QCOMPARE(process->uid, 0u); // root inside; the sandbox maps it to an unprivileged host uid
        QCOMPARE(process->gid, 0u);
        QCOMPARE(process->port, ImageProcess::kDefaultPort); // two ports exposed: the default
        QCOMPARE(process->environment.value(QStringLiteral("PATH")),
                 QStringLiteral("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        QCOMPARE(process->environment.value(QStringLiteral("HOME")), QStringLiteral("/"));
    }

    void users_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<uint>("uid");
        QTest::addColumn<uint>("gid");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("home");
        QTest::newRow("name") << "app" << 1234u << 2345u << "app"
                              << "/home/app";
        QTest::newRow("uid in passwd") << "1234" << 1234u << 2345u << "app"
                                       << "/home/app";
        QTest::newRow("uid not in passwd") << "4321" << 4321u << 0u << "4321"
                                           << "/";
        QTest::newRow("name:group") << "app:staff" << 1234u << 50u << "app"
                                    << "/home/app";
        QTest::newRow("uid:gid") << "500:600" << 500u << 600u << "500"
                                 << "/";
        QTest::newRow("no home") << "nohome" << 77u << 88u << "nohome"
                                 << "/";
    }
    void users()
    {
        QFETCH(QString, user);
        QFETCH(uint, uid);
        QFETCH(uint, gid);
        QFETCH(QString, name);
        QFETCH(QString, home);
        auto process = resolve(withUser(user));
        QVERIFY(process);
        QCOMPARE(process->uid, uid);
        QCOMPARE(process->gid, gid);
        QCOMPARE(process->userName, name);
        QCOMPARE(process->home, home);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("unknown user") << "ghost"
                                      << "the image's User ghost is not in its /etc/passwd";
        QTest::newRow("unknown group") << "app:ghosts"
                                       << "the image's group ghosts is not in its /etc/group";
    }
    void refusals()
    {
        QFETCH(QString, user);
        QFETCH(QString, phrase);
        auto process = resolve(withUser(user));
        QVERIFY(!process);
        QCOMPARE(process.error().code, QStringLiteral("unprocessable"));
        QCOMPARE(process.error().message, phrase);
    }

    void passwdIsReadInsideTheImage()
    {
        // The image's /etc/passwd is a link climbing to the host's: the host's users stay unknown.
        TestImage image;
        image.layer({TarEntry::symlink("etc/passwd", "../../../../../../../../etc/passwd")});
        image.run = {{QStringLiteral("Cmd"), QJsonArray{QStringLiteral("/server")}},
                     {QStringLiteral("User"), QStringLiteral("root")}};
        QVERIFY(QFile::exists(QStringLiteral("/etc/passwd")));
        auto process = resolve(image);
        QVERIFY(!process);
        QCOMPARE(process.error().message,
                 QStringLiteral("the image's User root is not in its /etc/passwd"));
        // An absolute link means the image's own file.
        TestImage absolute = withUser(QStringLiteral("app"));
        absolute.layer({TarEntry::file("real/passwd", "app:x:42:43::/srv:/bin/sh\n"),
                        TarEntry::symlink("etc/passwd", "/real/passwd")});
        auto linked = resolve(absolute);
        QVERIFY(linked);
        QCOMPARE(linked->uid, 42u);
        QCOMPARE(linked->home, QStringLiteral("/srv"));
    }

    void nothingToRun()
    {
        TestImage image;
        image.layer({TarEntry::file("server", "x")});
        auto process = resolve(image);
        QVERIFY(!process);
        QVERIFY(process.error().message.contains(
            QStringLiteral("has neither Entrypoint nor Cmd: give the class a \"command\"")));
        ImageProcess::Overrides overrides;
        overrides.command = {QStringLiteral("/server")};
        auto given = resolve(image, overrides);
        QVERIFY(given);
        QCOMPARE(given->argv, QStringList{QStringLiteral("/server")});
    }

    void references_data()
    {
        QTest::addColumn<QString>("image");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("path"); // relative to the config folder; empty: none
        QTest::newRow("api-backend") << "api-backend" << int(ImageReference::Kind::BuiltIn) << "";
        QTest::newRow("command-runner")
            << "command-runner" << int(ImageReference::Kind::BuiltIn) << "";
        QTest::newRow("bare unknown name")
            << "my-server" << int(ImageReference::Kind::BuiltIn) << "";
        QTest::newRow("program") << "./bin/server" << int(ImageReference::Kind::Program)
                                 << "bin/server";
        QTest::newRow("script") << "./run.sh" << int(ImageReference::Kind::Program) << "run.sh";
        QTest::newRow("bare name of a file beside the config")
            << "image.tar" << int(ImageReference::Kind::Archive) << "image.tar";
        QTest::newRow("archive") << "./images/app.tar" << int(ImageReference::Kind::Archive)
                                 << "images/app.tar";
        QTest::newRow("archive not there yet")
            << "./later.tar.gz" << int(ImageReference::Kind::Archive) << "later.tar.gz";
        QTest::newRow("layout folder")
            << "./layout" << int(ImageReference::Kind::LayoutFolder) << "layout";
        QTest::newRow("Dockerfile.gobackend")
            << "./Dockerfile.gobackend" << int(ImageReference::Kind::Dockerfile)
            << "Dockerfile.gobackend";
        QTest::newRow("Containerfile")
            << "./Containerfile" << int(ImageReference::Kind::Dockerfile) << "Containerfile";
        QTest::newRow("x.dockerfile")
            << "./api.dockerfile" << int(ImageReference::Kind::Dockerfile) << "api.dockerfile";
        QTest::newRow("missing program")
            << "./bin/missing" << int(ImageReference::Kind::Program) << "bin/missing";
        QTest::newRow("parent folder")
            << "../elsewhere/app.tar" << int(ImageReference::Kind::Archive)
            << "../elsewhere/app.tar";
    }
    void references()
    {
        QFETCH(QString, image);
        QFETCH(int, kind);
        QFETCH(QString, path);
        const QString config = m_dir.filePath(QStringLiteral("project"));
        writeFile(config + QStringLiteral("/bin/server"), QByteArray("\x7f"
                                                                     "ELF",
                                                                     4) +
                                                              "rest");
        writeFile(config + QStringLiteral("/run.sh"), "#!/bin/sh\n");
        writeFile(config + QStringLiteral("/image.tar"), imageArchive({{"x", "y"}}));
        writeFile(config + QStringLiteral("/images/app.tar"), imageArchive({{"x", "y"}}));
        writeFile(config + QStringLiteral("/layout/index.json"), "{}");
        writeFile(config + QStringLiteral("/Dockerfile.gobackend"), "FROM scratch\n");
        const ImageReference reference = ImageReference::resolve(image, config);
        QCOMPARE(int(reference.kind()), kind);
        QCOMPARE(reference.image(), image);
        QCOMPARE(reference.path(),
                 path.isEmpty() ? QString() : QDir::cleanPath(config + QLatin1Char('/') + path));
        QCOMPARE(reference.isImage(), kind == int(ImageReference::Kind::Archive) ||
                                          kind == int(ImageReference::Kind::LayoutFolder) ||
                                          kind == int(ImageReference::Kind::Dockerfile));
    }
};

QTEST_GUILESS_MAIN(TestImageProcess)
#include "test_imageprocess.moc"
