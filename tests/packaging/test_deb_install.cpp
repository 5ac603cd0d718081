// The .deb that CPack built, unpacked with dpkg -x into a scratch root: the installed program
// must find its container programs and resources relative to itself, not the build tree.
#include "testsupport.h"

#include <QDir>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk::test;

class TestDebInstall final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_root;
    QString m_deb;

private Q_SLOTS:
    void initTestCase()
    {
        const QDir packages(qEnvironmentVariable("EDGEDESK_PACKAGE_DIR"));
        const QStringList debs =
            packages.entryList({QStringLiteral("edgedesk_*.deb")}, QDir::Files, QDir::Time);
        QVERIFY2(!debs.isEmpty(), qPrintable(packages.path()));
        m_deb = packages.filePath(debs.first());
    }

    void controlFieldsAreRight()
    {
        const ProcessResult info = run(QStringLiteral("dpkg-deb"),
                                       {QStringLiteral("-f"), m_deb, QStringLiteral("Package"),
                                        QStringLiteral("Depends"), QStringLiteral("Architecture")});
        QCOMPARE(info.exitCode, 0);
        QVERIFY(info.out.contains("Package: edgedesk"));
        QVERIFY(info.out.contains("Architecture: amd64"));
        for (const char *dep :
             {"bubblewrap", "libqt6httpserver6", "libmagick++-6.q16-8", "libsodium23", "libcurl4",
              "libsqlite3-0", "libquazip1-qt6-1", "libqt6webenginewidgets6"})
            QVERIFY2(info.out.contains(dep), dep);
    }

    void layoutIsAProperTree()
    {
        QCOMPARE(run(QStringLiteral("dpkg"), {QStringLiteral("-x"), m_deb, m_root.path()}).exitCode,
                 0);
        for (const char *path :
             {"usr/bin/edgedesk", "usr/libexec/edgedesk/api-backend",
              "usr/libexec/edgedesk/command-runner", "usr/share/edgedesk/wrangler.jsonc",
              "usr/share/applications/io.github.edgedesk.EdgeDesk.desktop",
              "usr/share/metainfo/io.github.edgedesk.EdgeDesk.metainfo.xml",
              "usr/share/icons/hicolor/scalable/apps/edgedesk.svg",
              "usr/share/icons/hicolor/256x256/apps/edgedesk.png",
              "usr/share/icons/hicolor/16x16/apps/edgedesk.png"})
            QVERIFY2(QFileInfo::exists(m_root.filePath(QLatin1String(path))), path);
        QCOMPARE(QImage(m_root.filePath(
                            QStringLiteral("usr/share/icons/hicolor/48x48/apps/edgedesk.png")))
                     .size(),
                 QSize(48, 48));
    }

    void installedProgramServes()
    {
        QTemporaryDir data;
        const QString edgedesk = m_root.filePath(QStringLiteral("usr/bin/edgedesk"));
        const quint16 port = freePort();
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(edgedesk,
                      {QStringLiteral("--headless"), QStringLiteral("--port"),
                       QString::number(port), QStringLiteral("--persist-to"), data.path()});
        QVERIFY(process.waitForStarted());
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += process.readAll()).contains("EdgeDesk serving on"),
                                 20000);

        const HttpReply api = request(port, "GET", "/api/api1", {}, {}, 30000);
        QCOMPARE(api.status, 200);
        QCOMPARE(api.json().value(QStringLiteral("message")).toString(),
                 QStringLiteral("Hello from API 1"));

        const HttpReply run = request(port, "POST", "/run", {{"Content-Type", "application/json"}},
                                      "{\"command\":\"echo installed\"}", 30000);
        QCOMPARE(run.status, 200);
        QCOMPARE(run.json().value(QStringLiteral("output")).toString(),
                 QStringLiteral("installed\n"));

        const HttpReply image = request(port, "GET", "/image", {}, {}, 30000);
        QCOMPARE(image.status, 200);
        QCOMPARE(image.header("content-type"), QByteArray("image/jpeg"));
        QCOMPARE(QImage::fromData(image.body).width(), 100);

        process.terminate();
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitCode(), 0);
        // The instances came from the installed libexec folder, not the build tree.
        output += process.readAll();
        QVERIFY2(!output.contains(qgetenv("EDGEDESK_BIN_DIR")), output.constData());
    }
};

QTEST_GUILESS_MAIN(TestDebInstall)
#include "test_deb_install.moc"
