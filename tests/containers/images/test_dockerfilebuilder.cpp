// Building a Dockerfile with the machine's container engine. No engine runs on these machines, so
// the working path is tested against a stand-in `podman` script on PATH that behaves like one
// (answers `info`, prints build steps, writes an image archive on `save`); the archive it writes
// is then loaded like any other.
#include "containers/images/dockerfilebuilder.h"
#include "containers/images/imagestore.h"
#include "imagetestkit.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

void writeScript(const QString &path, const QByteArray &body)
{
    writeFile(path, "#!/bin/sh\n" + body);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
}

// A docker client whose daemon is not there, as on a machine with only the CLI installed.
const QByteArray kDockerWithoutDaemon =
    "if [ \"$1\" = info ]; then\n"
    "  echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker "
    "daemon running?' >&2\n"
    "  exit 1\nfi\nexit 125\n";

// A working engine: `info` succeeds, `build` prints steps (and fails on a Dockerfile saying
// FAIL), `save -o OUT TAG` copies the archive named by STAND_IN_ARCHIVE to OUT.
const QByteArray kStandInPodman = "case \"$1\" in\n"
                                  "  info) echo 'host: stand-in'; exit 0 ;;\n"
                                  "  build)\n"
                                  "    echo \"build $*\" >> \"$STAND_IN_LOG\"\n"
                                  "    if grep -q FAIL \"$3\"; then echo 'Error: building at STEP "
                                  "\"RUN false\": exit status 1' >&2; exit 2; fi\n"
                                  "    echo 'STEP 1/2: FROM scratch'; echo 'STEP 2/2: COPY server "
                                  "/app/server'; echo 'COMMIT'; exit 0 ;;\n"
                                  "  save) echo \"save $*\" >> \"$STAND_IN_LOG\"; cp "
                                  "\"$STAND_IN_ARCHIVE\" \"$3\"; echo 'Copying blob'; exit 0 ;;\n"
                                  "esac\nexit 125\n";

} // namespace

class TestDockerfileBuilder : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QByteArray m_path;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = qgetenv("PATH");
    }
    void cleanup() { qputenv("PATH", m_path); }

    void noWorkingEngineSaysWhatToRun()
    {
        const QString bin = m_dir.filePath(QStringLiteral("no-engine"));
        writeScript(bin + QStringLiteral("/docker"), kDockerWithoutDaemon);
        qputenv("PATH", QFile::encodeName(bin) + ":/usr/bin:/bin");
        QStringList why;
        QVERIFY(!DockerfileBuilder::findEngine(&why));
        QCOMPARE(why, (QStringList{
                          QStringLiteral("podman: not found on PATH"),
                          QStringLiteral(
                              "docker: `docker info` fails (Cannot connect to the Docker daemon at "
                              "unix:///var/run/docker.sock. Is the docker daemon running?)")}));

        const QString project = m_dir.filePath(QStringLiteral("project"));
        const Error error =
            DockerfileBuilder::unavailable(project + QStringLiteral("/Dockerfile.gobackend"),
                                           project, QStringLiteral("GoBackend"), why);
        QCOMPARE(error.code, QStringLiteral("service_unavailable"));
        QCOMPARE(
            error.message,
            QStringLiteral(
                "GoBackend needs a container engine to build Dockerfile.gobackend, and none works "
                "here (%1). Build it where one does, in %2: `docker build -f Dockerfile.gobackend "
                "-t gobackend . && docker save gobackend -o gobackend.tar` (or the same with "
                "podman), then set \"image\": \"./gobackend.tar\" in the configuration")
                .arg(why.join(QStringLiteral("; ")), project));
    }

    void aStandInEngineBuildsAnArchiveThatLoads()
    {
        const QString bin = m_dir.filePath(QStringLiteral("engine"));
        writeScript(bin + QStringLiteral("/podman"), kStandInPodman);
        writeScript(bin + QStringLiteral("/docker"), kDockerWithoutDaemon);
        qputenv("PATH", QFile::encodeName(bin) + ":/usr/bin:/bin");
        const QString archivePath = m_dir.filePath(QStringLiteral("prepared.tar"));
        const TestImage image = serverImage();
        writeFile(archivePath, imageArchive(image.dockerFiles()));
        qputenv("STAND_IN_ARCHIVE", QFile::encodeName(archivePath));
        const QString log = m_dir.filePath(QStringLiteral("engine.log"));
        qputenv("STAND_IN_LOG", QFile::encodeName(log));

        const auto engine = DockerfileBuilder::findEngine();
        QVERIFY(engine);
        QCOMPARE(engine->name, QStringLiteral("podman"));
        QCOMPARE(engine->program, bin + QStringLiteral("/podman"));

        const QString project = m_dir.filePath(QStringLiteral("project"));
        const QString dockerfile = project + QStringLiteral("/Dockerfile.gobackend");
        writeFile(dockerfile, "FROM scratch\nCOPY server /app/server\n");
        const QString tag = DockerfileBuilder::tagFor(QStringLiteral("GoBackend"));
        QCOMPARE(tag, QStringLiteral("localhost/edgedesk-gobackend:latest"));
        const QString out = m_dir.filePath(QStringLiteral("built.tar"));
        QList<QByteArray> lines;
        auto built = DockerfileBuilder::build(*engine, dockerfile, project, tag, out,
                                              [&](const QByteArray &line) { lines.append(line); });
        QVERIFY2(built, built ? "" : qPrintable(built.error().message));
        QCOMPARE(lines, (QList<QByteArray>{
                            "$ podman build -f " + QFile::encodeName(dockerfile) + " -t " +
                                tag.toUtf8() + ' ' + QFile::encodeName(project),
                            "STEP 1/2: FROM scratch", "STEP 2/2: COPY server /app/server", "COMMIT",
                            "$ podman save -o " + QFile::encodeName(out) + ' ' + tag.toUtf8(),
                            "Copying blob"}));
        QCOMPARE(readFile(log), "build build -f " + QFile::encodeName(dockerfile) + " -t " +
                                    tag.toUtf8() + ' ' + QFile::encodeName(project) +
                                    "\nsave save -o " + QFile::encodeName(out) + ' ' +
                                    tag.toUtf8() + '\n');

        ImageStore store(m_dir.filePath(QStringLiteral("images")));
        auto loaded = store.load(out);
        QVERIFY(loaded);
        QCOMPARE(loaded->id, image.id());

        // A failing build: its error carries the engine's last words, and nothing is saved.
        writeFile(dockerfile, "FROM scratch\nRUN false # FAIL\n");
        QFile::remove(out);
        auto failed = DockerfileBuilder::build(*engine, dockerfile, project, tag, out, {});
        QVERIFY(!failed);
        QCOMPARE(failed.error().code, QStringLiteral("service_unavailable"));
        QVERIFY2(failed.error().message.endsWith(QStringLiteral(
                     "failed (exit code 2): Error: building at STEP \"RUN false\": exit status 1")),
                 qPrintable(failed.error().message));
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestDockerfileBuilder)
#include "test_dockerfilebuilder.moc"
