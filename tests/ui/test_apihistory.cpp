// The API section's request history against a real server: every request sent is kept (method,
// path, headers, body, status, time, size), newest first, searchable; a click reopens it in the
// builder, "Send again" sends the same request (checked on the server's echo route and traffic
// record), "Copy as curl" gives the exact command; the history survives a restart of the window
// and a file that is not a history is set aside, never written over.
#include "api/apipanel.h"
#include "api/historyview.h"
#include "api/requesthistory.h"
#include "opsguihelpers.h"
#include "sectiontest.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

const QString kEchoPath = QStringLiteral("/worker/echo?n=1");
const QByteArray kBody = R"({"hello":"world"})";

} // namespace

class TestApiHistory final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;

    ApiPanel *panel() const { return m_gui->panel<ApiPanel>(QStringLiteral("api")); }
    QTreeWidget *list() const { return panel()->historyView()->list(); }

    void setRequest(const QString &method, const QString &path, const QString &headers = {},
                    const QString &body = {})
    {
        setApiRequest(panel(), method, path, headers, body);
    }

    bool sendAndWait()
    {
        const qsizetype before = panel()->history().entries().size();
        QTest::mouseClick(child<QPushButton>(panel(), "apiSend"), Qt::LeftButton);
        return QTest::qWaitFor(
            [&] {
                return !panel()->isSending() && (panel()->history().entries().size() > before ||
                                                 before == RequestHistory::kCapacity);
            },
            20000);
    }

    // The visible row whose text starts with `text`.
    QTreeWidgetItem *row(const QString &text) const
    {
        for (int i = 0; i < list()->topLevelItemCount(); ++i) {
            QTreeWidgetItem *item = list()->topLevelItem(i);
            if (!item->isHidden() && item->text(0) == text)
                return item;
        }
        return nullptr;
    }

    void clickRow(QTreeWidgetItem *item)
    {
        list()->scrollToItem(item);
        QTest::mouseClick(list()->viewport(), Qt::LeftButton, {},
                          list()->visualItemRect(item).center());
    }

private Q_SLOTS:
    void initTestCase()
    {
        applyPaletteFromEnvironment();
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        applyWindowSize(*m_gui);
        QVERIFY(m_gui->show(QStringLiteral("api")));
        QVERIFY(panel());
    }
    void cleanupTestCase() { m_gui.reset(); }

    void emptyHistorySaysWhatComes()
    {
        QCOMPARE(panel()->history().entries().size(), 0);
        QCOMPARE(list()->topLevelItemCount(), 0);
        QVERIFY(child<QLabel>(panel(), "apiHistoryEmpty")->isVisible());
        QVERIFY(!child<QPushButton>(panel(), "apiHistorySend")->isEnabled());
    }

    void everySentRequestIsKept()
    {
        setRequest(QStringLiteral("POST"), kEchoPath, QStringLiteral("X-Trace: 42"),
                   QString::fromUtf8(kBody));
        QVERIFY(sendAndWait());
        QCOMPARE(panel()->lastResponse().status, 200);
        QCOMPARE(panel()->history().entries().size(), 1);
        const RequestHistory::Entry &e = panel()->history().entries().first();
        QCOMPARE(e.method, QByteArray("POST"));
        QCOMPARE(e.path, kEchoPath);
        QCOMPARE(e.headers, (ApiHeaders{{"X-Trace", "42"}}));
        QCOMPARE(e.body, kBody);
        QCOMPARE(e.status, 200);
        QCOMPARE(e.size, panel()->lastResponse().body.size());
        QCOMPARE(e.elapsedMs, panel()->lastResponse().elapsedMs);
        QVERIFY(e.timeMs > 0);

        setRequest(QStringLiteral("GET"), QStringLiteral("/no-such-page-xyz"));
        QVERIFY(sendAndWait());
        QCOMPARE(panel()->history().entries().size(), 2);
        QCOMPARE(panel()->history().entries().first().status, 404); // newest first
        QCOMPARE(list()->topLevelItemCount(), 2);
        QCOMPARE(list()->topLevelItem(0)->text(0), QStringLiteral("GET /no-such-page-xyz"));
        QCOMPARE(list()->topLevelItem(0)->text(1), QStringLiteral("404"));
        QCOMPARE(list()->topLevelItem(1)->text(0), QStringLiteral("POST ") + kEchoPath);

        // On disk, in the project's data folder, as JSON.
        QFile file(RequestHistory::filePath(m_gui->host().dataDir()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray saved = QJsonDocument::fromJson(file.readAll())
                                     .object()
                                     .value(QStringLiteral("requests"))
                                     .toArray();
        QCOMPARE(saved.size(), 2);
        const QJsonObject post = saved.at(1).toObject();
        QCOMPARE(post.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(post.value(QStringLiteral("body")).toString(), QString::fromUtf8(kBody));
        QCOMPARE(post.value(QStringLiteral("headers")).toArray(),
                 (QJsonArray{QJsonArray{QStringLiteral("X-Trace"), QStringLiteral("42")}}));
    }

    void searchFindsHeadersBodiesAndStatus()
    {
        auto *search = child<QLineEdit>(panel(), "apiHistorySearch");
        HistoryView *view = panel()->historyView();
        typeInto(search, QStringLiteral("x-trace"));
        QCOMPARE(view->visibleCount(), 1);
        QVERIFY(row(QStringLiteral("POST ") + kEchoPath));
        typeInto(search, QStringLiteral("404"));
        QCOMPARE(view->visibleCount(), 1);
        QVERIFY(row(QStringLiteral("GET /no-such-page-xyz")));
        typeInto(search, QStringLiteral("\"hello\""));
        QCOMPARE(view->visibleCount(), 1);
        typeInto(search, QStringLiteral("nothing-like-this"));
        QCOMPARE(view->visibleCount(), 0);
        QCOMPARE(child<QLabel>(panel(), "apiHistoryEmpty")->text(),
                 QStringLiteral("No request matches the search."));
        search->clear();
        QCOMPARE(view->visibleCount(), 2);
    }

    void aClickReopensTheRequestInTheBuilder()
    {
        setRequest(QStringLiteral("GET"), QStringLiteral("/worker/hello"));
        QTreeWidgetItem *post = row(QStringLiteral("POST ") + kEchoPath);
        QVERIFY(post);
        clickRow(post);
        QCOMPARE(child<QComboBox>(panel(), "apiMethod")->currentText(), QStringLiteral("POST"));
        QCOMPARE(child<QLineEdit>(panel(), "apiPath")->text(), kEchoPath);
        QCOMPARE(child<QPlainTextEdit>(panel(), "apiHeadersEdit")->toPlainText(),
                 QStringLiteral("X-Trace: 42"));
        QCOMPARE(child<QPlainTextEdit>(panel(), "apiBodyEdit")->toPlainText(),
                 QString::fromUtf8(kBody));
        QVERIFY(child<QPushButton>(panel(), "apiHistorySend")->isEnabled());
    }

    void sendAgainSendsTheSameRequest()
    {
        setRequest(QStringLiteral("GET"), QStringLiteral("/worker/hello"));
        QSignalSpy traffic(&m_gui->host(), &ServerHost::trafficRecorded);
        QTreeWidgetItem *post = row(QStringLiteral("POST ") + kEchoPath);
        QVERIFY(post);
        clickRow(post);
        const qsizetype before = panel()->history().entries().size();
        QTest::mouseClick(child<QPushButton>(panel(), "apiHistorySend"), Qt::LeftButton);
        QTRY_COMPARE(panel()->history().entries().size(), before + 1);
        QCOMPARE(panel()->history().entries().first().path, kEchoPath);

        // The echo route saw the same method, header and body.
        const QJsonObject echo = panel()->lastResponse().json();
        QCOMPARE(echo.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(echo.value(QStringLiteral("headers")).toObject().value(QStringLiteral("x-trace")),
                 QJsonValue(QStringLiteral("42")));
        QCOMPARE(echo.value(QStringLiteral("body")).toString(), QString::fromUtf8(kBody));

        // And the server's traffic record says so too.
        auto record = [&]() -> std::optional<TrafficRecord> {
            for (const auto &args : traffic) {
                const auto r = args.first().value<TrafficRecord>();
                if (r.path == kEchoPath)
                    return r;
            }
            return std::nullopt;
        };
        QTRY_VERIFY(record().has_value());
        QCOMPARE(record()->method, QStringLiteral("POST"));
        QCOMPARE(record()->bytesIn, kBody.size());
        QVERIFY(
            record()->requestHeaders.contains(qMakePair(QByteArray("X-Trace"), QByteArray("42"))));
        QVERIFY(!m_gui->screenshot(screenshotName(QStringLiteral("api-history"))).isEmpty());
    }

    void copyAsCurlIsTheSameRequest()
    {
        QTreeWidgetItem *post = row(QStringLiteral("POST ") + kEchoPath);
        QVERIFY(post);
        clickRow(post);
        QTest::mouseClick(child<QPushButton>(panel(), "apiHistoryCopy"), Qt::LeftButton);
        const QString command = QApplication::clipboard()->text();
        QCOMPARE(command, m_gui->window()->api()->curlCommand("POST", kEchoPath,
                                                              {{"X-Trace", "42"}}, kBody));
        if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
            QSKIP("curl is not installed");
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command});
        QVERIFY(sh.waitForFinished(10000));
        const QJsonObject echo = QJsonDocument::fromJson(sh.readAllStandardOutput()).object();
        QCOMPARE(echo.value(QStringLiteral("headers")).toObject().value(QStringLiteral("x-trace")),
                 QJsonValue(QStringLiteral("42")));
        QCOMPARE(echo.value(QStringLiteral("body")).toString(), QString::fromUtf8(kBody));
    }

    void historySurvivesARestartOfTheWindow()
    {
        const QList<RequestHistory::Entry> before = panel()->history().entries();
        QVERIFY(before.size() >= 3);
        QVERIFY2(m_gui->restartWindow(), qPrintable(m_gui->lastError()));
        QVERIFY(m_gui->show(QStringLiteral("api")));
        QTRY_COMPARE(panel()->history().entries().size(), before.size());
        for (int i = 0; i < before.size(); ++i) {
            const RequestHistory::Entry &a = before[i];
            const RequestHistory::Entry &b = panel()->history().entries()[i];
            QCOMPARE(b.method, a.method);
            QCOMPARE(b.path, a.path);
            QCOMPARE(b.headers, a.headers);
            QCOMPARE(b.body, a.body);
            QCOMPARE(b.status, a.status);
            QCOMPARE(b.size, a.size);
            QCOMPARE(b.elapsedMs, a.elapsedMs);
            QCOMPARE(b.timeMs, a.timeMs);
        }
        QCOMPARE(list()->topLevelItemCount(), before.size());
        QVERIFY(row(QStringLiteral("POST ") + kEchoPath));
    }

    void capKeepsTheNewest()
    {
        QTemporaryDir dir;
        RequestHistory history;
        QVERIFY(history.load(RequestHistory::filePath(dir.path())).ok());
        for (int i = 0; i < RequestHistory::kCapacity + 5; ++i) {
            RequestHistory::Entry e;
            e.method = "GET";
            e.path = QStringLiteral("/r/%1").arg(i);
            QVERIFY(history.add(e).ok());
        }
        QCOMPARE(history.entries().size(), RequestHistory::kCapacity);
        QCOMPARE(history.entries().first().path,
                 QStringLiteral("/r/%1").arg(RequestHistory::kCapacity + 4));
        QCOMPARE(history.entries().last().path, QStringLiteral("/r/5"));
        RequestHistory again;
        QVERIFY(again.load(history.path()).ok());
        QCOMPARE(again.entries().size(), RequestHistory::kCapacity);
        QCOMPARE(again.entries().first().path, history.entries().first().path);
    }

    void aLargeBodyIsNotKept()
    {
        QTemporaryDir dir;
        RequestHistory history;
        QVERIFY(history.load(RequestHistory::filePath(dir.path())).ok());
        RequestHistory::Entry e;
        e.method = "PUT";
        e.path = QStringLiteral("/big");
        e.body = QByteArray(RequestHistory::kMaxBody + 1, 'x');
        QVERIFY(history.add(e).ok());
        QVERIFY(history.entries().first().bodyOmitted);
        QVERIFY(history.entries().first().body.isEmpty());
        HistoryView view;
        view.setHistory(&history);
        view.list()->setCurrentItem(view.list()->topLevelItem(0));
        QVERIFY(view.selectedEntry());
        QVERIFY(!child<QPushButton>(&view, "apiHistorySend")->isEnabled());
        QVERIFY(!child<QPushButton>(&view, "apiHistoryCopy")->isEnabled());
    }

    void anUnreadableFileIsSetAsideNotOverwritten()
    {
        QTemporaryDir dir;
        const QString path = RequestHistory::filePath(dir.path());
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        const QByteArray junk = "{\"requests\": [ not json";
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(junk);
        }
        RequestHistory history;
        const Status loaded = history.load(path);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, QStringLiteral("bad_request"));
        QVERIFY2(loaded.error().message.contains(QStringLiteral(".unreadable")),
                 qPrintable(loaded.error().message));
        QCOMPARE(history.entries().size(), 0);
        QFile aside(path + QStringLiteral(".unreadable"));
        QVERIFY(aside.open(QIODevice::ReadOnly));
        QCOMPARE(aside.readAll(), junk);
        RequestHistory::Entry e;
        e.method = "GET";
        e.path = QStringLiteral("/after");
        QVERIFY(history.add(e).ok());
        aside.close();
        QVERIFY(aside.open(QIODevice::ReadOnly));
        QCOMPARE(aside.readAll(), junk); // still there, untouched
    }
};

QTEST_MAIN(TestApiHistory)
#include "test_apihistory.moc"
