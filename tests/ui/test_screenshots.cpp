// Screenshots of every section (whichever exist) after a real action in each, into
// <build>/screenshots (EDGEDESK_SCREENSHOT_DIR): light at 1440x900 (<section>.png), dark
// (<section>-dark.png), and both again at 1280x800 (<section>-1280x800[-dark].png). Run again
// with QT_SCALE_FACTOR=2 (test_screenshots_2x) for 200% scaling. Other people's sections
// are driven through their widgets' object names only, so this suite keeps compiling whatever
// their classes look like.
#include "containers/containerspanel.h"
#include "opsguihelpers.h"
#include "settings/theme.h"
#include "traffic/trafficpanel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QTreeWidget>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

// Clicks the named button of a section if it is there and enabled.
bool press(QWidget *panel, const char *name)
{
    auto *button = panel->findChild<QAbstractButton *>(QString::fromLatin1(name));
    if (!button || !button->isEnabled())
        return false;
    click(button);
    return true;
}

// Selects the first row of the named list, as a click would.
void selectFirstRow(QWidget *panel, const char *name)
{
    auto *view = panel->findChild<QAbstractItemView *>(QString::fromLatin1(name));
    if (!view || !view->model() || view->model()->rowCount() == 0)
        return;
    const QModelIndex first = view->model()->index(0, 0);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(first).center());
}

// The waits below are best effort: a section that never gets there is still photographed.

// Waits until the named label shows something (an answer arrived), at most `ms`.
void waitForText(QWidget *panel, const char *name, int ms)
{
    (void)QTest::qWaitFor(
        [&] {
            auto *label = panel->findChild<QLabel *>(QString::fromLatin1(name));
            return label && !label->text().isEmpty();
        },
        ms);
}

// Waits until the named button can be pressed, at most `ms`.
void waitForEnabled(QWidget *panel, const char *name, int ms)
{
    (void)QTest::qWaitFor(
        [&] {
            auto *button = panel->findChild<QAbstractButton *>(QString::fromLatin1(name));
            return button && button->isEnabled();
        },
        ms);
}

// Waits until the named list has rows (its listing arrived), at most `ms`.
void waitForRows(QWidget *panel, const char *name, int ms)
{
    (void)QTest::qWaitFor(
        [&] {
            auto *view = panel->findChild<QAbstractItemView *>(QString::fromLatin1(name));
            return view && view->model() && view->model()->rowCount() > 0;
        },
        ms);
}

} // namespace

class TestScreenshots final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;
    QStringList m_written;

    void shoot(const QString &name)
    {
        const QString path = m_gui->screenshot(name);
        QVERIFY2(!path.isEmpty(), qPrintable(name));
        const QImage image(path);
        const qreal dpr = m_gui->window()->devicePixelRatioF();
        QCOMPARE(image.size(), (m_gui->window()->size() * dpr));
        m_written.append(path);
    }

private Q_SLOTS:
    void initTestCase()
    {
        ServerOptions options;
        options.programDir = binDir();
        m_gui = std::make_unique<GuiFixture>(options);
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        Theme::apply(Theme::Mode::Light);
        m_gui->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_gui->window()));
        // Some traffic and state for every section to show.
        request(m_gui->port(), "GET", "/api/api1");
        request(m_gui->port(), "POST", "/run", {{"Content-Type", "application/json"}},
                R"({"command":"echo hello from EdgeDesk"})", 40000);
        request(m_gui->port(), "PUT", "/__edgedesk/v1/secrets/ACCOUNT_API_KEY", {},
                "screenshot-value");
        for (int i = 0; i < 20; ++i)
            request(m_gui->port(), "GET", i % 5 ? "/kv" : "/api/responseheaders");
        request(m_gui->port(), "GET", "/ai?prompt=hello");
        request(m_gui->port(), "GET", "/no-such-page");
    }
    void cleanupTestCase()
    {
        qInfo("wrote %d screenshots", int(m_written.size()));
        m_gui.reset();
    }

    void everySection()
    {
        for (Panel *panel : m_gui->window()->panels()) {
            const QString id = panel->id();
            QVERIFY(m_gui->show(id));
            if (id == QLatin1String("api")) {
                press(panel, "apiSend");
                waitForText(panel, "apiStatus", 5000);
            } else if (id == QLatin1String("image")) {
                waitForEnabled(panel, "imageTransform", 5000);
                press(panel, "imageTransform");
                waitForText(panel, "imageResultInfo", 5000);
            } else if (id == QLatin1String("ai")) {
                press(panel, "aiGenerate");
                QTest::qWait(1000);
            } else if (id == QLatin1String("command")) {
                if (auto *input = panel->findChild<QLineEdit *>(QStringLiteral("cmdInput"))) {
                    input->setText(QStringLiteral("uname -sr && id -u"));
                    press(panel, "cmdRun");
                }
                QTest::qWait(2500);
            } else if (id == QLatin1String("containers")) {
                auto *containers = qobject_cast<ContainersPanel *>(panel);
                containers->refresh();
                QTRY_VERIFY(containers->hasStatus());
                for (const QString &i : {QStringLiteral("instance-0"), QStringLiteral("instance-1"),
                                         QStringLiteral("instance-2")}) {
                    const QString state = containers->instanceState(QStringLiteral("BACKEND"), i);
                    if (state == QLatin1String("healthy") || state == QLatin1String("running")) {
                        containers->selectInstance(QStringLiteral("BACKEND"), i);
                        break;
                    }
                }
                QTest::qWait(1500);
            } else if (id == QLatin1String("logs")) {
                auto *level = panel->findChild<QComboBox *>(QStringLiteral("logsLevel"));
                level->setCurrentIndex(1); // info and above
                QTest::keyClicks(panel->findChild<QLineEdit *>(QStringLiteral("logsSearch")),
                                 QStringLiteral("instance"));
                QTest::qWait(300);
            } else if (id == QLatin1String("kv")) {
                press(panel, "kvRefresh");
                waitForRows(panel, "kvKeys", 5000);
                selectFirstRow(panel, "kvKeys");
                QTest::qWait(800);
            } else if (id == QLatin1String("bucket")) {
                press(panel, "bucketRefresh");
                waitForRows(panel, "bucketObjects", 5000);
                selectFirstRow(panel, "bucketObjects");
                QTest::qWait(1500);
            } else if (id == QLatin1String("secrets")) {
                press(panel, "secretsRefresh");
                waitForRows(panel, "secretsList", 5000);
                selectFirstRow(panel, "secretsList");
                QTest::qWait(300);
            } else if (id == QLatin1String("traffic")) {
                auto *traffic = qobject_cast<TrafficPanel *>(panel);
                QTest::qWait(1200);
                traffic->refreshCharts();
                selectFirstRow(panel, "trafficTable");
            } else if (id == QLatin1String("web")) {
                QTest::qWait(4000);
            } else if (id == QLatin1String("settings")) {
                auto *provider =
                    panel->findChild<QComboBox *>(QStringLiteral("settingsAiProvider"));
                provider->setCurrentIndex(provider->findData(QStringLiteral("workers-ai")));
                panel->findChild<QLineEdit *>(QStringLiteral("settingsAiAccount"))
                    ->setText(QStringLiteral("0123456789abcdef"));
            } else {
                QTest::qWait(1500);
            }
            shoot(id);
        }
        QVERIFY(m_written.size() >= 5);
    }

    // The state every section reached above, in the dark theme and in the smaller window.
    void darkAndSmaller()
    {
        const QList<Panel *> panels = m_gui->window()->panels();
        for (const bool dark : {true, false}) {
            Theme::apply(dark ? Theme::Mode::Dark : Theme::Mode::Light);
            const QString suffix = dark ? QStringLiteral("-dark") : QString();
            for (const QSize &size : {QSize(1440, 900), QSize(1280, 800)}) {
                if (!dark && size.width() == 1440)
                    continue; // taken above
                m_gui->window()->resize(size);
                for (Panel *panel : panels) {
                    QVERIFY(m_gui->show(panel->id()));
                    QTest::qWait(150);
                    const QString sized = size.width() == 1440
                                              ? QString()
                                              : QStringLiteral("-%1x%2")
                                                    .arg(size.width())
                                                    .arg(size.height());
                    shoot(panel->id() + sized + suffix);
                }
            }
        }
        m_gui->window()->resize(1440, 900);
        Theme::apply(Theme::Mode::Light);
        QVERIFY(m_written.size() >= 4 * 5);
    }
};

QTEST_MAIN(TestScreenshots)
#include "test_screenshots.moc"
