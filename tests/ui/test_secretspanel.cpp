// The Secrets section driven against a real server: set, rotate, delete; the value never shows
// in any widget once stored; the show toggle only reveals what is being typed.
#include "guifixture.h"
#include "secrets/secretspanel.h"
#include "storagetest.h"

#include <QCheckBox>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace edgedesk;
using namespace edgedesk::test;

class TestSecretsPanel final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    std::unique_ptr<ApiClient> m_http;
    SecretsPanel *m_panel = nullptr;

    template <typename T> T *w(const QString &name) { return child<T>(m_panel, name); }

    QJsonObject listed(const QString &name)
    {
        const ApiResponse r = http(*m_http, "GET", QStringLiteral("/__edgedesk/v1/secrets"));
        for (const QJsonValue &v : r.json().value(QStringLiteral("secrets")).toArray()) {
            if (v.toObject().value(QStringLiteral("name")).toString() == name)
                return v.toObject();
        }
        return {};
    }
    // No widget anywhere in the window holds the value.
    void verifyNowhere(const QString &secret)
    {
        for (const QString &text : allTexts(m_gui->window()))
            QVERIFY2(!text.contains(secret), qPrintable(text));
    }

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
        m_panel = m_gui->panel<SecretsPanel>(QStringLiteral("secrets"));
        QVERIFY(m_panel);
        QVERIFY(m_gui->show(QStringLiteral("secrets")));
        QTRY_COMPARE(m_panel->storeBinding(), QStringLiteral("SECRET_STORE"));
    }
    void cleanupTestCase()
    {
        m_http.reset();
        m_gui.reset();
    }

    void expectedNameIsShownAsNotSet()
    {
        // The default configuration expects ACCOUNT_API_KEY (Workers AI).
        QTRY_COMPARE(m_panel->missingNames(), QStringList{QStringLiteral("ACCOUNT_API_KEY")});
        // The expected names come with the configuration; the row with the list that follows it.
        auto *list = w<QTreeWidget>(QStringLiteral("secretsList"));
        QTRY_VERIFY(findItem(list, QStringLiteral("ACCOUNT_API_KEY")));
        QTreeWidgetItem *row = findItem(list, QStringLiteral("ACCOUNT_API_KEY"));
        QVERIFY(row->text(3).startsWith(QStringLiteral("not set")));
        QVERIFY(w<QLabel>(QStringLiteral("secretsIntro"))
                    ->text()
                    .contains(QStringLiteral("ACCOUNT_API_KEY")));
    }

    void nameAcceptsOnlyValidCharacters()
    {
        auto *name = w<QLineEdit>(QStringLiteral("secretName"));
        name->clear();
        QTest::keyClicks(name, QStringLiteral("bad-name here!"));
        QCOMPARE(name->text(), QStringLiteral("badnamehere"));
        name->clear();
    }

    void setRotateDelete()
    {
        const QString secret = QStringLiteral("s3cr3t-Value-9f8e7d");
        const QString rotated = QStringLiteral("r0tated-Value-1a2b3c");
        auto *name = w<QLineEdit>(QStringLiteral("secretName"));
        auto *value = w<QLineEdit>(QStringLiteral("secretValue"));
        auto *show = w<QCheckBox>(QStringLiteral("secretShow"));
        auto *save = w<QPushButton>(QStringLiteral("secretSave"));
        QSignalSpy changed(m_panel, &SecretsPanel::secretChanged);

        name->clear();
        QTest::keyClicks(name, QStringLiteral("TEST_TOKEN"));
        QCOMPARE(save->text(), QStringLiteral("Set secret"));
        QVERIFY(!save->isEnabled()); // no value yet
        QTest::keyClicks(value, secret);
        QCOMPARE(value->echoMode(), QLineEdit::Password);
        QVERIFY(!value->displayText().contains(secret));
        QTest::mouseClick(show, Qt::LeftButton);
        QCOMPARE(value->echoMode(), QLineEdit::Normal); // what is typed now, revealed
        QVERIFY(save->isEnabled());
        QTest::mouseClick(save, Qt::LeftButton);
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(1).toBool(), true);

        // Listed with its dates; the form forgot the value and hides again.
        QTRY_VERIFY(m_panel->storedNames().contains(QStringLiteral("TEST_TOKEN")));
        auto *list = w<QTreeWidget>(QStringLiteral("secretsList"));
        QTreeWidgetItem *row = findItem(list, QStringLiteral("TEST_TOKEN"));
        QVERIFY(row);
        QVERIFY(!row->text(1).isEmpty());
        QVERIFY(!row->text(2).isEmpty());
        QCOMPARE(row->text(3), QStringLiteral("set (hidden)"));
        QVERIFY(value->text().isEmpty());
        QVERIFY(!show->isChecked());
        QCOMPARE(value->echoMode(), QLineEdit::Password);
        QVERIFY(w<QLabel>(QStringLiteral("secretsStatus"))
                    ->text()
                    .startsWith(QStringLiteral("Set TEST_TOKEN at")));
        verifyNowhere(secret);
        const QJsonObject first = listed(QStringLiteral("TEST_TOKEN"));
        QVERIFY(!first.isEmpty());
        QVERIFY(!first.contains(QStringLiteral("value")));
        m_gui->screenshot(QStringLiteral("secrets-panel"));

        // Rotate: select the row, type a new value, Enter (in a later millisecond: the store's
        // timestamps are in milliseconds).
        const QDateTime setAt = QDateTime::fromString(
            first.value(QStringLiteral("updated")).toString(), Qt::ISODateWithMs);
        QVERIFY(setAt.isValid());
        QTRY_VERIFY(QDateTime::currentDateTimeUtc() > setAt);
        clickItem(list, findItem(list, QStringLiteral("TEST_TOKEN")));
        QCOMPARE(name->text(), QStringLiteral("TEST_TOKEN"));
        QCOMPARE(save->text(), QStringLiteral("Rotate value"));
        QTest::keyClicks(value, rotated);
        QTest::keyClick(value, Qt::Key_Return);
        QTRY_COMPARE(changed.size(), 2);
        QVERIFY(changed.last().at(1).toBool());
        QTRY_VERIFY(w<QLabel>(QStringLiteral("secretsStatus"))
                        ->text()
                        .startsWith(QStringLiteral("Rotated TEST_TOKEN at")));
        const QJsonObject second = listed(QStringLiteral("TEST_TOKEN"));
        QCOMPARE(second.value(QStringLiteral("created")), first.value(QStringLiteral("created")));
        QVERIFY2(second.value(QStringLiteral("updated")).toString() >
                     first.value(QStringLiteral("updated")).toString(),
                 qPrintable(second.value(QStringLiteral("updated")).toString()));
        QVERIFY(value->text().isEmpty());
        verifyNowhere(secret);
        verifyNowhere(rotated);

        // Delete through the real confirmation dialog, answered as a user would.
        QTRY_VERIFY(findItem(list, QStringLiteral("TEST_TOKEN")));
        clickItem(list, findItem(list, QStringLiteral("TEST_TOKEN")));
        QString asked;
        QTimer::singleShot(100, this, [&asked] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            asked = box->text();
            if (auto *accept = box->findChild<QPushButton *>(QStringLiteral("confirmAccept")))
                accept->click();
        });
        QTest::mouseClick(w<QPushButton>(QStringLiteral("secretDelete")), Qt::LeftButton);
        QVERIFY2(asked.contains(QStringLiteral("Delete TEST_TOKEN")), qPrintable(asked));
        QTRY_COMPARE(changed.size(), 3);
        QTRY_VERIFY(!m_panel->storedNames().contains(QStringLiteral("TEST_TOKEN")));
        QVERIFY(listed(QStringLiteral("TEST_TOKEN")).isEmpty());
        QVERIFY(!findItem(list, QStringLiteral("TEST_TOKEN")));
    }

    void cancelledDeleteKeepsTheSecret()
    {
        QCOMPARE(http(*m_http, "PUT", QStringLiteral("/__edgedesk/v1/secrets/KEEP_ME"), "v").status,
                 200);
        m_panel->refresh();
        QTRY_VERIFY(m_panel->storedNames().contains(QStringLiteral("KEEP_ME")));
        m_panel->selectSecret(QStringLiteral("KEEP_ME"));
        QStringList questions;
        m_panel->confirmPrompt().setHandler([&questions](const QString &, const QString &text) {
            questions.append(text);
            return false;
        });
        QTest::mouseClick(w<QPushButton>(QStringLiteral("secretDelete")), Qt::LeftButton);
        QCOMPARE(questions.size(), 1);
        // A list the panel asks for afterwards still has it (a delete would have gone out first).
        QCOMPARE(http(*m_http, "PUT", QStringLiteral("/__edgedesk/v1/secrets/AFTER_REFUSAL"), "v")
                     .status,
                 200);
        m_panel->refresh();
        QTRY_VERIFY(m_panel->storedNames().contains(QStringLiteral("AFTER_REFUSAL")));
        QVERIFY(m_panel->storedNames().contains(QStringLiteral("KEEP_ME")));
        QVERIFY(!listed(QStringLiteral("KEEP_ME")).isEmpty());
        QCOMPARE(
            http(*m_http, "DELETE", QStringLiteral("/__edgedesk/v1/secrets/AFTER_REFUSAL")).status,
            200);
        m_panel->refresh();
        QTRY_VERIFY(!m_panel->storedNames().contains(QStringLiteral("AFTER_REFUSAL")));
        m_panel->confirmPrompt().setHandler({});
    }

    void nameSurvivesRestartButNotValue()
    {
        auto *name = w<QLineEdit>(QStringLiteral("secretName"));
        name->setText(QStringLiteral("ACCOUNT_API_KEY"));
        w<QLineEdit>(QStringLiteral("secretValue"))->setText(QStringLiteral("typed-not-saved"));
        m_panel->saveState();
        m_gui->settings().sync();
        QFile ini(m_gui->settings().raw().fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains("typed-not-saved"));
        SecretsPanel restored(m_panel->context(), nullptr);
        QCOMPARE(child<QLineEdit>(&restored, QStringLiteral("secretName"))->text(),
                 QStringLiteral("ACCOUNT_API_KEY"));
        QVERIFY(child<QLineEdit>(&restored, QStringLiteral("secretValue"))->text().isEmpty());
        w<QLineEdit>(QStringLiteral("secretValue"))->clear();
    }

    void serverRefusalIsShown()
    {
        // 40,000 'é' are 80,000 bytes: over the store's 64 KiB limit, refused by the server.
        auto *name = w<QLineEdit>(QStringLiteral("secretName"));
        auto *value = w<QLineEdit>(QStringLiteral("secretValue"));
        name->setText(QStringLiteral("TOO_LONG"));
        value->setText(QString(40000, QChar(0x00e9)));
        QSignalSpy changed(m_panel, &SecretsPanel::secretChanged);
        QTest::mouseClick(w<QPushButton>(QStringLiteral("secretSave")), Qt::LeftButton);
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(1).toBool(), false);
        const QString status = w<QLabel>(QStringLiteral("secretsStatus"))->text();
        QVERIFY2(status.startsWith(QStringLiteral("Not stored: 413")), qPrintable(status));
        QVERIFY(listed(QStringLiteral("TOO_LONG")).isEmpty());
        value->clear();
    }
};

QTEST_MAIN(TestSecretsPanel)
#include "test_secretspanel.moc"
