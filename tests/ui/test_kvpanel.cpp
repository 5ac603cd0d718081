// The KV section driven by clicks and keys against a real server: add, view, edit, delete,
// pagination, prefix filter, binary values, errors from the server.
#include "guifixture.h"
#include "kv/expiresin.h"
#include "kv/kvpanel.h"
#include "storagetest.h"
#include "widgets/emptyhint.h"
#include "widgets/jsonview.h"

#include <QComboBox>
#include <QDateTime>
#include <QJsonDocument>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

class TestKvPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    std::unique_ptr<ApiClient> m_http;
    KvPanel *m_panel = nullptr;
    QStringList m_questions;
    bool m_answer = true;

    QString keyPath(const QString &key) const
    {
        return QStringLiteral("/__edgedesk/v1/kv/MY_KV/keys/") +
               QString::fromLatin1(QUrl::toPercentEncoding(key));
    }
    template <typename T> T *w(const QString &name) { return child<T>(m_panel, name); }

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        // Shortcuts (Ctrl+S, F5, Del) only fire in the active window.
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
        m_http = std::make_unique<ApiClient>();
        m_http->setBaseUrl(m_gui->host().url());
        m_panel = m_gui->panel<KvPanel>(QStringLiteral("kv"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("kv")));
        QTRY_COMPARE(m_panel->namespaceBinding(), QStringLiteral("MY_KV"));
        m_panel->confirmPrompt().setHandler([this](const QString &, const QString &text) {
            m_questions.append(text);
            return m_answer;
        });
    }
    void cleanupTestCase()
    {
        m_http.reset();
        m_gui.reset();
    }
    void init()
    {
        m_questions.clear();
        m_answer = true;
    }

    void describeExpiresIn_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::addRow("past") << qint64(-5) << QStringLiteral("expired");
        QTest::addRow("now") << qint64(0) << QStringLiteral("expired");
        QTest::addRow("seconds") << qint64(45) << QStringLiteral("in 45 s");
        QTest::addRow("minutes") << qint64(185) << QStringLiteral("in 3 min");
        QTest::addRow("hour") << qint64(3600) << QStringLiteral("in 1 h");
        QTest::addRow("hours and minutes")
            << qint64(2 * 3600 + 5 * 60 + 9) << QStringLiteral("in 2 h 5 min");
        QTest::addRow("one day") << qint64(86400) << QStringLiteral("in 1 day");
        QTest::addRow("days and hours")
            << qint64(2 * 86400 + 3 * 3600) << QStringLiteral("in 2 days 3 h");
        QTest::addRow("weeks") << qint64(30 * 86400 + 3600) << QStringLiteral("in 30 days");
    }
    void describeExpiresIn()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(edgedesk::describeExpiresIn(seconds), text);
    }

    void addViewEditDelete()
    {
        const QString key = QStringLiteral("greeting/hello wörld");
        auto *keys = w<QTreeWidget>(QStringLiteral("kvKeys"));
        QVERIFY(!m_panel->listedKeys().contains(key));

        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvAdd")), Qt::LeftButton);
        auto *name = w<QLineEdit>(QStringLiteral("kvKeyName"));
        QTRY_VERIFY(name->isVisible());
        QVERIFY(!name->isReadOnly());
        // QTest types ASCII only; the rest arrives as an input method would insert it.
        QTest::keyClicks(name, QStringLiteral("greeting/hello "));
        name->insert(QStringLiteral("wörld"));
        w<QComboBox>(QStringLiteral("kvContentType"))
            ->setCurrentText(QStringLiteral("application/json"));
        auto *value = w<QPlainTextEdit>(QStringLiteral("kvValueEdit"));
        QTest::keyClicks(value, QStringLiteral("{\"msg\":\"hi\"}"));
        QTest::keyClicks(w<QPlainTextEdit>(QStringLiteral("kvMetadata")),
                         QStringLiteral("{\"owner\":\"test\"}"));
        auto *mode = w<QComboBox>(QStringLiteral("kvTtlMode"));
        mode->setCurrentIndex(mode->findText(QStringLiteral("Expire after")));
        auto *amount = w<QSpinBox>(QStringLiteral("kvTtlAmount"));
        QVERIFY(amount->isEnabled());
        amount->setValue(2);
        auto *unit = w<QComboBox>(QStringLiteral("kvTtlUnit"));
        unit->setCurrentIndex(unit->findText(QStringLiteral("hours")));
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        QTest::keyClick(value, Qt::Key_S, Qt::ControlModifier);

        // Listed, opened, and stored exactly as typed.
        QTRY_VERIFY(m_panel->listedKeys().contains(key));
        QTRY_COMPARE(m_panel->openedKey(), key);
        ApiResponse stored = http(*m_http, "GET", keyPath(key));
        QCOMPARE(stored.status, 200);
        QCOMPARE(stored.body, QByteArray("{\"msg\":\"hi\"}"));
        QCOMPARE(stored.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(stored.header("X-EdgeDesk-Metadata"), QByteArray("{\"owner\":\"test\"}"));
        const qint64 expiration = stored.header("X-EdgeDesk-Expiration").toLongLong();
        QVERIFY2(expiration >= before + 7200 && expiration <= before + 7200 + 60,
                 qPrintable(QString::number(expiration - before)));

        // The editor shows the fresh copy: pretty JSON, metadata, expiration date and "in …".
        QTRY_COMPARE(value->toPlainText(), QStringLiteral("{\n    \"msg\": \"hi\"\n}"));
        QVERIFY(
            w<QLabel>(QStringLiteral("kvValueInfo"))->text().startsWith(QStringLiteral("JSON")));
        QCOMPARE(w<QPlainTextEdit>(QStringLiteral("kvMetadata"))->toPlainText(),
                 QStringLiteral("{\n    \"owner\": \"test\"\n}"));
        const QString expires = w<QLabel>(QStringLiteral("kvExpiration"))->text();
        QVERIFY2(expires.startsWith(QStringLiteral("Expires ")) &&
                     (expires.contains(QStringLiteral("(in 1 h 59 min)")) ||
                      expires.contains(QStringLiteral("(in 2 h)"))),
                 qPrintable(expires));
        QVERIFY(name->isReadOnly());
        QTRY_VERIFY(
            w<QLabel>(QStringLiteral("kvStatus"))->text().startsWith(QStringLiteral("Saved")));
        QTreeWidgetItem *row = findItem(keys, key);
        QVERIFY(row);
        QVERIFY(!row->text(1).isEmpty());
        QCOMPARE(row->text(2), QStringLiteral("{\"owner\":\"test\"}"));
        QCOMPARE(mode->currentText(), QStringLiteral("Keep the current expiration"));

        // Edit and save with the button: the new value is stored, the expiration kept.
        value->selectAll();
        QTest::keyClicks(value, QStringLiteral("{\"msg\":\"bye\"}"));
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvSave")), Qt::LeftButton);
        QTRY_COMPARE(http(*m_http, "GET", keyPath(key)).body, QByteArray("{\"msg\":\"bye\"}"));
        stored = http(*m_http, "GET", keyPath(key));
        QCOMPARE(stored.header("X-EdgeDesk-Expiration").toLongLong(), expiration);
        QTRY_COMPARE(value->toPlainText(), QStringLiteral("{\n    \"msg\": \"bye\"\n}"));

        m_gui->screenshot(QStringLiteral("kv-panel"));

        // Delete asks first; "no" keeps the key.
        m_answer = false;
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvDelete")), Qt::LeftButton);
        QCOMPARE(m_questions.size(), 1);
        QVERIFY(m_questions.first().contains(key));
        // A list the panel asks for afterwards still has it (a delete would have gone out first).
        const QString marker = QStringLiteral("after-refusal");
        QCOMPARE(http(*m_http, "PUT", keyPath(marker), "m").status, 200);
        m_panel->refresh();
        QTRY_VERIFY(m_panel->listedKeys().contains(marker));
        QVERIFY(m_panel->listedKeys().contains(key));
        QCOMPARE(http(*m_http, "GET", keyPath(key)).status, 200);
        QCOMPARE(http(*m_http, "DELETE", keyPath(marker)).status, 200);
        m_answer = true;
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvDelete")), Qt::LeftButton);
        QTRY_VERIFY(!m_panel->listedKeys().contains(key));
        QCOMPARE(http(*m_http, "GET", keyPath(key)).status, 404);
        QVERIFY(m_panel->openedKey().isEmpty());
    }

    void selectExistingTextKey()
    {
        const QString key = QStringLiteral("plain-note");
        QCOMPARE(
            http(*m_http, "PUT", keyPath(key), "just some text", {{"Content-Type", "text/plain"}})
                .status,
            200);
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvRefresh")), Qt::LeftButton);
        auto *keys = w<QTreeWidget>(QStringLiteral("kvKeys"));
        QTRY_VERIFY(findItem(keys, key));
        clickItem(keys, findItem(keys, key));
        QTRY_COMPARE(m_panel->openedKey(), key);
        auto *value = w<QPlainTextEdit>(QStringLiteral("kvValueEdit"));
        QTRY_COMPARE(value->toPlainText(), QStringLiteral("just some text"));
        QVERIFY(value->isVisible());
        QVERIFY(
            w<QLabel>(QStringLiteral("kvValueInfo"))->text().startsWith(QStringLiteral("text")));
        QCOMPARE(w<QLabel>(QStringLiteral("kvExpiration"))->text(),
                 QStringLiteral("Never expires"));
        QCOMPARE(w<QComboBox>(QStringLiteral("kvContentType"))->currentText(),
                 QStringLiteral("text/plain"));

        // Unsaved edits are not thrown away without asking.
        QTest::keyClick(value, Qt::Key_End, Qt::ControlModifier);
        QTest::keyClicks(value, QStringLiteral(" and more"));
        m_answer = false;
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvAdd")), Qt::LeftButton);
        QCOMPARE(m_questions.size(), 1);
        QVERIFY(m_questions.first().contains(QStringLiteral("not saved")));
        QCOMPARE(m_panel->openedKey(), key);
        QCOMPARE(value->toPlainText(), QStringLiteral("just some text and more"));
        m_answer = true;
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvAdd")), Qt::LeftButton);
        QVERIFY(m_panel->openedKey().isEmpty());
        QCOMPARE(http(*m_http, "GET", keyPath(key)).body, QByteArray("just some text"));
    }

    void paginationLoadsMore()
    {
        for (int i = 0; i < 12; ++i) {
            const QString key = QStringLiteral("page/k%1").arg(i, 2, 10, QLatin1Char('0'));
            QCOMPARE(http(*m_http, "PUT", keyPath(key), QByteArray::number(i)).status, 200);
        }
        m_panel->setPageSize(5);
        auto *prefix = w<QLineEdit>(QStringLiteral("kvPrefix"));
        prefix->clear();
        QTest::keyClicks(prefix, QStringLiteral("page/"));
        QTest::keyClick(prefix, Qt::Key_Return);
        auto *more = w<QPushButton>(QStringLiteral("kvLoadMore"));
        QTRY_COMPARE(m_panel->listedKeys().size(), 5);
        QCOMPARE(m_panel->listedKeys().first(), QStringLiteral("page/k00"));
        QVERIFY(more->isVisible());
        QCOMPARE(w<QLabel>(QStringLiteral("kvListInfo"))->text(),
                 QStringLiteral("5 keys shown, more available"));
        QTRY_VERIFY(more->isEnabled());
        QTest::mouseClick(more, Qt::LeftButton);
        QTRY_COMPARE(m_panel->listedKeys().size(), 10);
        QTRY_VERIFY(more->isEnabled());
        QTest::mouseClick(more, Qt::LeftButton);
        QTRY_COMPARE(m_panel->listedKeys().size(), 12);
        QStringList expected;
        for (int i = 0; i < 12; ++i)
            expected << QStringLiteral("page/k%1").arg(i, 2, 10, QLatin1Char('0'));
        QCOMPARE(m_panel->listedKeys(), expected);
        QTRY_VERIFY(!more->isVisible());
        QCOMPARE(w<QLabel>(QStringLiteral("kvListInfo"))->text(), QStringLiteral("12 keys"));

        // A prefix nothing starts with: the empty state says so.
        prefix->clear();
        QTest::keyClicks(prefix, QStringLiteral("nothing-here/"));
        QTRY_COMPARE(m_panel->listedKeys().size(), 0);
        auto *empty = w<EmptyHint>(QStringLiteral("kvListEmpty"));
        QTRY_VERIFY(empty->isVisible());
        QCOMPARE(empty->title(), QStringLiteral("No keys start with “nothing-here/”"));
        prefix->clear();
        QTest::keyClick(prefix, Qt::Key_Return);
        QTRY_VERIFY(m_panel->listedKeys().size() >= 5);
        m_panel->setPageSize(100);
    }

    void binaryValueShowsHex()
    {
        const QString key = QStringLiteral("blob.bin");
        const QByteArray bytes("\x00\x01\xff\xfe"
                               "ABC",
                               7);
        QCOMPARE(http(*m_http, "PUT", keyPath(key), bytes,
                      {{"Content-Type", "application/octet-stream"}})
                     .status,
                 200);
        QTest::keyClick(m_panel, Qt::Key_F5);
        auto *keys = w<QTreeWidget>(QStringLiteral("kvKeys"));
        QTRY_VERIFY(findItem(keys, key));
        clickItem(keys, findItem(keys, key));
        QTRY_COMPARE(m_panel->openedKey(), key);
        QVERIFY(m_panel->valueIsBinary());
        auto *hex = w<JsonView>(QStringLiteral("kvValueHex"));
        QTRY_VERIFY(hex->isVisible());
        QCOMPARE(hex->kind(), JsonView::Kind::Hex);
        QVERIFY2(hex->toPlainText().startsWith(QStringLiteral("00000000  00 01 ff fe 41 42 43")),
                 qPrintable(hex->toPlainText()));
        QVERIFY(hex->isReadOnly());
        QVERIFY(!w<QPlainTextEdit>(QStringLiteral("kvValueEdit"))->isVisible());
        QVERIFY(!w<QPushButton>(QStringLiteral("kvFormatJson"))->isEnabled());
        QVERIFY(
            w<QLabel>(QStringLiteral("kvValueInfo"))->text().startsWith(QStringLiteral("binary")));

        // Saving metadata on a binary key keeps its bytes.
        QTest::keyClicks(w<QPlainTextEdit>(QStringLiteral("kvMetadata")),
                         QStringLiteral("{\"kind\":\"blob\"}"));
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvSave")), Qt::LeftButton);
        QTRY_COMPARE(http(*m_http, "GET", keyPath(key)).header("X-EdgeDesk-Metadata"),
                     QByteArray("{\"kind\":\"blob\"}"));
        QCOMPARE(http(*m_http, "GET", keyPath(key)).body, bytes);
    }

    void errorsAreShown()
    {
        // Bad metadata is caught before sending.
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvAdd")), Qt::LeftButton);
        QTest::keyClicks(w<QLineEdit>(QStringLiteral("kvKeyName")), QStringLiteral("bad-meta"));
        QTest::keyClicks(w<QPlainTextEdit>(QStringLiteral("kvValueEdit")), QStringLiteral("x"));
        QTest::keyClicks(w<QPlainTextEdit>(QStringLiteral("kvMetadata")), QStringLiteral("{oops"));
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvSave")), Qt::LeftButton);
        auto *status = w<QLabel>(QStringLiteral("kvStatus"));
        QVERIFY2(status->text().startsWith(QStringLiteral("The metadata is not JSON")),
                 qPrintable(status->text()));
        QCOMPARE(http(*m_http, "GET", keyPath(QStringLiteral("bad-meta"))).status, 404);

        // The server's own sentence for a key over its byte limit.
        m_answer = true;
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvAdd")), Qt::LeftButton);
        w<QLineEdit>(QStringLiteral("kvKeyName"))->insert(QString(300, QChar(0x00e9)));
        QTest::keyClicks(w<QPlainTextEdit>(QStringLiteral("kvValueEdit")), QStringLiteral("x"));
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvSave")), Qt::LeftButton);
        QTRY_COMPARE(status->text(),
                     QStringLiteral("Not saved: 400 — the key is 600 bytes; keys are at most 512 "
                                    "bytes"));
        m_answer = true;
        QTest::mouseClick(w<QPushButton>(QStringLiteral("kvAdd")), Qt::LeftButton);
    }

    void smallerWindowAndState()
    {
        // Long keys shown in labels earlier must not have made the window wider than asked.
        m_gui->window()->resize(1280, 800);
        QTRY_COMPARE(m_gui->window()->size(), QSize(1280, 800));
        m_gui->screenshot(QStringLiteral("kv-panel-1280x800"));
        m_gui->window()->resize(1440, 900);

        auto *prefix = w<QLineEdit>(QStringLiteral("kvPrefix"));
        prefix->setText(QStringLiteral("page/"));
        m_panel->saveState();
        QCOMPARE(m_gui->settings().panelValue(QStringLiteral("kv"), QStringLiteral("prefix")),
                 QVariant(QStringLiteral("page/")));
        // A panel made after a restart starts from the saved filter.
        KvPanel restored(m_panel->context(), nullptr);
        QCOMPARE(child<QLineEdit>(&restored, QStringLiteral("kvPrefix"))->text(),
                 QStringLiteral("page/"));
        prefix->clear();
    }
};

QTEST_MAIN(TestKvPanel)
#include "test_kvpanel.moc"
