// A project: a folder or its configuration file, found as the platform's tool finds it; its own
// data folder by default (two projects never share state, the built-in demo keeps its folder,
// --persist-to wins); `edgedesk PROJECT` end to end, with its errors.
#include "config/project.h"
#include "serveroptions.h"
#include "testsupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

void touch(const QString &path, const QByteArray &bytes = "{}")
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

// A copy of tests/fixtures/project in `to`.
bool copyFixture(const QString &to)
{
    const QString from = sourceDir() + QStringLiteral("/tests/fixtures/project");
    QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    bool copied = false;
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = to + file.mid(from.size());
        if (!QDir().mkpath(QFileInfo(target).absolutePath()) || !QFile::copy(file, target))
            return false;
        copied = true;
    }
    return copied;
}

// `edgedesk --headless` on a free port with these arguments; its data folder from its first line.
struct Served
{
    std::unique_ptr<QProcess> process;
    quint16 port = 0;
    QString dataDir;
    QByteArray output;
};

Served serveProject(const QStringList &arguments)
{
    Served s;
    s.port = freePort();
    s.process = std::make_unique<QProcess>();
    s.process->setProcessChannelMode(QProcess::MergedChannels);
    s.process->start(program(QStringLiteral("edgedesk")),
                     QStringList{QStringLiteral("--headless"), QStringLiteral("--port"),
                                 QString::number(s.port)} +
                         arguments);
    static const QRegularExpression serving(
        QStringLiteral("EdgeDesk serving on \\S+  \\(data: (.+)\\)"));
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000 && s.process->state() != QProcess::NotRunning) {
        s.process->waitForReadyRead(50);
        s.output += s.process->readAll();
        const auto m = serving.match(QString::fromLocal8Bit(s.output));
        if (m.hasMatch()) {
            s.dataDir = m.captured(1);
            break;
        }
    }
    return s;
}

void stop(Served &s)
{
    if (!s.process || s.process->state() == QProcess::NotRunning)
        return;
    s.process->terminate();
    if (!s.process->waitForFinished(5000))
        s.process->kill();
}

} // namespace

class TestProject final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void locate_data()
    {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("found");
        QTest::addRow("jsonc") << QStringList{QStringLiteral("wrangler.jsonc")}
                               << QStringLiteral("wrangler.jsonc");
        QTest::addRow("toml") << QStringList{QStringLiteral("wrangler.toml")}
                              << QStringLiteral("wrangler.toml");
        QTest::addRow("json first")
            << QStringList{QStringLiteral("wrangler.toml"), QStringLiteral("wrangler.jsonc"),
                           QStringLiteral("wrangler.json")}
            << QStringLiteral("wrangler.json");
        QTest::addRow("jsonc before toml")
            << QStringList{QStringLiteral("wrangler.toml"), QStringLiteral("wrangler.jsonc")}
            << QStringLiteral("wrangler.jsonc");
        QTest::addRow("other names are not configurations")
            << QStringList{QStringLiteral("package.json"), QStringLiteral("wrangler.yaml")}
            << QString();
    }
    void locate()
    {
        QFETCH(QStringList, files);
        QFETCH(QString, found);
        QTemporaryDir dir;
        for (const QString &f : files)
            touch(dir.filePath(f));
        const auto project = Project::locate(dir.path());
        if (found.isEmpty()) {
            QVERIFY(!project.ok());
            QCOMPARE(project.error().message,
                     QStringLiteral("%1 holds no wrangler.json, wrangler.jsonc or wrangler.toml")
                         .arg(dir.path()));
            return;
        }
        QVERIFY2(project.ok(), project.ok() ? "" : qPrintable(project.error().message));
        QCOMPARE(project->configPath(), dir.filePath(found));
        QCOMPARE(project->folder(), dir.path());
        QCOMPARE(project->dataDir(), dir.filePath(QStringLiteral(".wrangler/state/edgedesk")));
    }

    void locateAFileOrNothing()
    {
        QTemporaryDir dir;
        touch(dir.filePath(QStringLiteral("sub/my-config.toml")));
        const auto file = Project::locate(dir.filePath(QStringLiteral("sub/my-config.toml")));
        QVERIFY(file.ok());
        QCOMPARE(file->folder(), dir.filePath(QStringLiteral("sub")));
        QCOMPARE(file->configPath(), dir.filePath(QStringLiteral("sub/my-config.toml")));
        const auto missing = Project::locate(dir.filePath(QStringLiteral("nope")));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().message,
                 QStringLiteral("%1 does not exist").arg(dir.filePath(QStringLiteral("nope"))));
        // A relative folder is made absolute.
        QVERIFY(QDir::setCurrent(dir.path()));
        const auto relative = Project::locate(QStringLiteral("sub/my-config.toml"));
        QVERIFY(relative.ok());
        QCOMPARE(relative->folder(), dir.filePath(QStringLiteral("sub")));
    }

    void dataFolderChoice()
    {
        ServerOptions demo;
        QCOMPARE(demo.effectiveDataDir(), ServerOptions::defaultDataDir());
        ServerOptions project;
        project.projectDir = QStringLiteral("/home/u/site");
        QCOMPARE(project.effectiveDataDir(),
                 QStringLiteral("/home/u/site/.wrangler/state/edgedesk"));
        project.dataDir = QStringLiteral("/tmp/state");
        QCOMPARE(project.effectiveDataDir(), QStringLiteral("/tmp/state")); // --persist-to wins
        QVERIFY(Project::dataDirOf(QStringLiteral("/a")) !=
                Project::dataDirOf(QStringLiteral("/b")));

        QTemporaryDir dir;
        touch(dir.filePath(QStringLiteral("wrangler.toml")));
        ServerOptions base;
        base.port = 9999;
        const auto opened = ServerOptions::forProject(base, dir.path());
        QVERIFY(opened.ok());
        QCOMPARE(opened->port, 9999);
        QCOMPARE(opened->projectDir, dir.path());
        QCOMPARE(opened->configPath, dir.filePath(QStringLiteral("wrangler.toml")));
    }

    void twoProjectsNeverShareADataFolder()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        QVERIFY(copyFixture(a.path()));
        QVERIFY(copyFixture(b.path()));
        Served first = serveProject({a.path()});
        QVERIFY2(!first.dataDir.isEmpty(), first.output.constData());
        // The configuration file named directly is the same project.
        Served second = serveProject({b.filePath(QStringLiteral("wrangler.toml"))});
        QVERIFY2(!second.dataDir.isEmpty(), second.output.constData());
        QCOMPARE(first.dataDir, a.filePath(QStringLiteral(".wrangler/state/edgedesk")));
        QCOMPARE(second.dataDir, b.filePath(QStringLiteral(".wrangler/state/edgedesk")));
        QVERIFY(QFileInfo(first.dataDir + QStringLiteral("/kv/MY_KV.sqlite")).isFile());
        QVERIFY(QFileInfo(second.dataDir + QStringLiteral("/kv/MY_KV.sqlite")).isFile());

        // What one project stores, the other does not see.
        QCOMPARE(request(first.port, "PUT", "/__edgedesk/v1/kv/MY_KV/keys/only-a", {}, "A").status,
                 200);
        QCOMPARE(request(first.port, "GET", "/kv?key=only-a").json().value(QStringLiteral("value")),
                 QJsonValue(QStringLiteral("A")));
        QCOMPARE(
            request(second.port, "GET", "/kv?key=only-a").json().value(QStringLiteral("value")),
            QJsonValue(QJsonValue::Null));
        // Each serves its own pages.
        QCOMPARE(request(first.port, "GET", "/app.css").status, 200);
        stop(first);
        stop(second);
    }

    void persistToWinsOverTheProjectFolder()
    {
        QTemporaryDir project;
        QTemporaryDir state;
        QVERIFY(copyFixture(project.path()));
        Served s = serveProject({project.path(), QStringLiteral("--persist-to"), state.path()});
        QVERIFY2(!s.dataDir.isEmpty(), s.output.constData());
        QCOMPARE(s.dataDir, state.path());
        QVERIFY(!QFileInfo::exists(project.filePath(QStringLiteral(".wrangler"))));
        stop(s);
    }

    void commandLineErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::addRow("no such folder") << QStringList{QStringLiteral("/nonexistent/project")} << 2
                                        << QStringLiteral("/nonexistent/project does not exist");
        QTest::addRow("a folder without a configuration")
            << QStringList{QStringLiteral("EMPTY")} << 2
            << QStringLiteral("holds no wrangler.json, wrangler.jsonc or wrangler.toml");
        QTest::addRow("project and --config")
            << QStringList{QStringLiteral("PROJECT"), QStringLiteral("--config"),
                           QStringLiteral("PROJECT/wrangler.jsonc")}
            << 2 << QStringLiteral("give the project or --config, not both");
        QTest::addRow("two projects")
            << QStringList{QStringLiteral("PROJECT"), QStringLiteral("EMPTY")} << 2
            << QStringLiteral("unexpected argument");
        QTest::addRow("TOML syntax error")
            << QStringList{QStringLiteral("BAD")} << 1
            << QStringLiteral("BAD/wrangler.toml: line 3, column 22: Unidentified trailing "
                              "character 'n'---did you forget a '#'?");
    }
    void commandLineErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QVERIFY(copyFixture(dir.filePath(QStringLiteral("project"))));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("empty")));
        touch(dir.filePath(QStringLiteral("bad/wrangler.toml")),
              "name = \"bad\"\n[assets]\ndirectory = \"./dist\" nope\n");
        auto substitute = [&](QString text) {
            text.replace(QStringLiteral("PROJECT"), dir.filePath(QStringLiteral("project")));
            text.replace(QStringLiteral("EMPTY"), dir.filePath(QStringLiteral("empty")));
            text.replace(QStringLiteral("BAD"), dir.filePath(QStringLiteral("bad")));
            return text;
        };
        QStringList args{QStringLiteral("--headless"), QStringLiteral("--port"),
                         QStringLiteral("0"), QStringLiteral("--persist-to"),
                         dir.filePath(QStringLiteral("state"))};
        for (const QString &a : arguments)
            args.append(substitute(a));
        const ProcessResult r = run(program(QStringLiteral("edgedesk")), args, 20000);
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(substitute(message).toUtf8()), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestProject)
#include "test_project.moc"
