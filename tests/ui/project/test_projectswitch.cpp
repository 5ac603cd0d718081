// Opening projects in the running window: the title and the Overview name the project, `/`
// serves its pages, a project that does not load leaves the running one serving and says where
// the mistake is, the watcher offers a reload, requests in flight survive a switch.
#include "guifixture.h"
#include "project/projectmenu.h"
#include "project/projectswitcher.h"
#include "widgets/messagebanner.h"

#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

QString fixtureDir()
{
    return qEnvironmentVariable("EDGEDESK_SOURCE_DIR") + QStringLiteral("/tests/fixtures/project");
}

// A copy of tests/fixtures/project in `to`: a project's state goes into its own folder.
bool copyFixture(const QString &to)
{
    const QString from = fixtureDir();
    QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    int copied = 0;
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = to + file.mid(from.size());
        if (!QDir().mkpath(QFileInfo(target).absolutePath()) || !QFile::copy(file, target))
            return false;
        ++copied;
    }
    return copied > 0;
}

bool writeFile(const QString &path, const QByteArray &text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

} // namespace

class TestProjectSwitch final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    QTemporaryDir m_projects;
    QNetworkAccessManager m_network;

    QString project(const QString &name) const { return m_projects.filePath(name); }
    ProjectSwitcher *switcher() const { return m_gui->window()->projects(); }

    struct Answer
    {
        int status = 0;
        QByteArray body;
    };
    Answer get(const QString &path)
    {
        QNetworkRequest request(QUrl(m_gui->host().displayUrl() + path));
        QNetworkReply *reply = m_network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(10000);
        Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                 reply->readAll()};
        reply->deleteLater();
        return a;
    }
    // Opens a project and waits until it serves.
    bool openAndWait(const QString &path)
    {
        QSignalSpy opened(switcher(), &ProjectSwitcher::opened);
        QSignalSpy failed(switcher(), &ProjectSwitcher::failed);
        if (!switcher()->open(path))
            return false;
        QTest::qWaitFor([&] { return !opened.isEmpty() || !failed.isEmpty(); }, 20000);
        return !opened.isEmpty();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFileInfo::exists(fixtureDir() + QStringLiteral("/wrangler.jsonc")));
        QVERIFY(m_projects.isValid());
        QVERIFY(copyFixture(project(QStringLiteral("one"))));
        QVERIFY(copyFixture(project(QStringLiteral("two"))));
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        QCOMPARE(m_gui->window()->windowTitle(), QStringLiteral("EdgeDesk"));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void openingAProjectRestartsOnTheSamePort()
    {
        MainWindow *window = m_gui->window();
        const quint16 port = m_gui->port();
        QVERIFY(openAndWait(project(QStringLiteral("one"))));
        QCOMPARE(m_gui->window(), window);
        QCOMPARE(m_gui->port(), port);
        const QString folder = QDir::toNativeSeparators(project(QStringLiteral("one")));
        QVERIFY2(window->windowTitle().startsWith(QStringLiteral("fixture-project — ")),
                 qPrintable(window->windowTitle()));
        QVERIFY(window->windowTitle().endsWith(QStringLiteral(" — EdgeDesk")));
        QCOMPARE(m_gui->host().options().projectDir, project(QStringLiteral("one")));
        // The project's own page at /, and its state in its own folder.
        const Answer page = get(QStringLiteral("/"));
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("<title>Fixture project</title>"));
        QCOMPARE(m_gui->host().dataDir(),
                 project(QStringLiteral("one")) + QStringLiteral("/.wrangler/state/edgedesk"));
        // The Overview names it.
        auto *intro = m_gui->window()->findChild<QLabel *>(QStringLiteral("overviewIntro"));
        QVERIFY(intro);
        QTRY_VERIFY(intro->text().contains(QStringLiteral("<b>fixture-project</b>")));
        QVERIFY(intro->text().contains(folder.toHtmlEscaped()));
        QCOMPARE(switcher()->recent().list().first(), project(QStringLiteral("one")));
    }

    void aConfigWithASyntaxErrorKeepsTheRunningProject()
    {
        const QString broken = project(QStringLiteral("broken"));
        QVERIFY(QDir().mkpath(broken));
        QVERIFY(
            writeFile(broken + QStringLiteral("/wrangler.jsonc"),
                      "{\n  \"name\": \"broken\",\n  \"assets\": { \"directory\": ./dist }\n}\n"));
        const QString title = m_gui->window()->windowTitle();
        QSignalSpy states(&m_gui->host(), &ServerHost::stateChanged);
        const Status opened = switcher()->open(broken);
        QVERIFY(!opened);
        QVERIFY2(opened.error().message.contains(QStringLiteral("line 3")),
                 qPrintable(opened.error().message));
        QVERIFY(opened.error().message.contains(QStringLiteral("column")));
        // Refused before anything stopped.
        QVERIFY(states.isEmpty());
        QVERIFY(m_gui->host().isServing());
        MessageBanner *banner = m_gui->window()->projectBanner();
        QCOMPARE(banner->tone(), MessageBanner::Tone::Error);
        QVERIFY(banner->message().contains(QStringLiteral("line 3")));
        QVERIFY(banner->isVisible());
        QCOMPARE(m_gui->window()->windowTitle(), title);
        QVERIFY(get(QStringLiteral("/")).body.contains("<title>Fixture project</title>"));
    }

    void aTomlErrorNamesItsLineAndColumn()
    {
        const QString broken = project(QStringLiteral("broken-toml"));
        QVERIFY(QDir().mkpath(broken));
        QVERIFY(writeFile(broken + QStringLiteral("/wrangler.toml"),
                          "name = \"broken\"\n\n[assets\ndirectory = \"./dist\"\n"));
        const Status opened = switcher()->open(broken);
        QVERIFY(!opened);
        QVERIFY2(opened.error().message.contains(QStringLiteral("line 3, column")),
                 qPrintable(opened.error().message));
        QVERIFY(m_gui->host().isServing());
        QCOMPARE(m_gui->host().options().projectDir, project(QStringLiteral("one")));
    }

    void aMissingProjectIsRefused()
    {
        const Status opened = switcher()->open(project(QStringLiteral("nowhere")));
        QVERIFY(!opened);
        QVERIFY(opened.error().message.contains(QStringLiteral("does not exist")));
        QVERIFY(m_gui->host().isServing());
    }

    void theWatcherOffersAReloadThatApplies()
    {
        const QString config = project(QStringLiteral("one")) + QStringLiteral("/wrangler.jsonc");
        QFile file(config);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray text = file.readAll();
        file.close();
        QVERIFY(text.contains("\"name\": \"fixture-project\""));
        text.replace("\"name\": \"fixture-project\"", "\"name\": \"renamed-project\"");
        // As editors save: a new file renamed over the old one.
        QVERIFY(writeFile(config + QStringLiteral(".tmp"), text));
        QVERIFY(QFile::remove(config));
        QVERIFY(QFile::rename(config + QStringLiteral(".tmp"), config));

        MessageBanner *banner = m_gui->window()->projectBanner();
        QTRY_COMPARE_WITH_TIMEOUT(banner->message(), QStringLiteral("wrangler.jsonc changed —"),
                                  10000);
        QCOMPARE(banner->tone(), MessageBanner::Tone::Info);
        QVERIFY(banner->text().contains(QStringLiteral("href=\"reload\"")));
        // The banner's one click.
        Q_EMIT banner->linkActivated(QStringLiteral("reload"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_gui->window()->windowTitle().startsWith(QStringLiteral("renamed-project — ")), 20000);
        QTRY_VERIFY(banner->message().isEmpty());
        QVERIFY(m_gui->host().isServing());
    }

    void assetChangesAreServedAtOnce()
    {
        const QString page = project(QStringLiteral("one")) + QStringLiteral("/dist/fresh.html");
        QSignalSpy assets(switcher()->watcher(), &ProjectWatcher::assetsChanged);
        QVERIFY(writeFile(page, "<!doctype html><title>fresh</title>"));
        const Answer answer = get(QStringLiteral("/fresh.html"));
        QVERIFY(answer.status == 200 || answer.status == 307 || answer.status == 308);
        const Answer followed = get(QStringLiteral("/fresh"));
        QCOMPARE(followed.status, 200);
        QVERIFY(followed.body.contains("<title>fresh</title>"));
        QTRY_VERIFY(!assets.isEmpty());
    }

    void aSwitchWithRequestsInFlight()
    {
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 24; ++i) {
            const QString path = i % 3 == 0   ? QStringLiteral("/kv")
                                 : i % 3 == 1 ? QStringLiteral("/")
                                              : QStringLiteral("/docs/guide/");
            replies.append(m_network.get(QNetworkRequest(QUrl(m_gui->host().displayUrl() + path))));
        }
        const quint16 port = m_gui->port();
        QVERIFY(openAndWait(project(QStringLiteral("two"))));
        // Every request ends: answered before the switch, or its connection closed by it.
        for (QNetworkReply *reply : std::as_const(replies)) {
            QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            QVERIFY2(status == 200 || reply->error() != QNetworkReply::NoError,
                     qPrintable(QString::number(status)));
            reply->deleteLater();
        }
        QCOMPARE(m_gui->port(), port);
        QCOMPARE(m_gui->host().options().projectDir, project(QStringLiteral("two")));
        QVERIFY(get(QStringLiteral("/")).body.contains("<title>Fixture project</title>"));
        const Answer kv = get(QStringLiteral("/kv"));
        QCOMPARE(kv.status, 200);

    }

    void openRecentListsAndPrunes()
    {
        ProjectMenu *menu = m_gui->window()->projectMenu();
        menu->updateRecent();
        QStringList shown;
        for (QAction *action : menu->recentMenu()->actions()) {
            if (!action->isSeparator())
                shown.append(action->text());
        }
        QCOMPARE(shown.at(0), QDir::toNativeSeparators(project(QStringLiteral("two"))));
        QVERIFY(shown.contains(QDir::toNativeSeparators(project(QStringLiteral("one")))));
        QVERIFY(!shown.contains(QDir::toNativeSeparators(project(QStringLiteral("broken")))));
        // Kept in the settings, cleared of entries that are gone.
        m_gui->settings().sync();
        QVERIFY(QDir(project(QStringLiteral("one"))).removeRecursively());
        menu->updateRecent();
        for (QAction *action : menu->recentMenu()->actions())
            QVERIFY(action->text() != QDir::toNativeSeparators(project(QStringLiteral("one"))));
        QCOMPARE(switcher()->recent().list(), QStringList{project(QStringLiteral("two"))});
        // Opening a recent entry is opening the project.
        QAction *two = menu->recentMenu()->actions().first();
        QSignalSpy opened(switcher(), &ProjectSwitcher::opened);
        two->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!opened.isEmpty(), 20000);
        QVERIFY(m_gui->host().isServing());
    }

    void screenshotWithAProject()
    {
        QVERIFY(m_gui->show(QStringLiteral("overview")));
        QVERIFY(!m_gui->screenshot(QStringLiteral("project-overview")).isEmpty());
    }
};

QTEST_MAIN(TestProjectSwitch)
#include "test_projectswitch.moc"
