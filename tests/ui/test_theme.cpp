// Theme and accessibility on the real window: Light, Dark and System chosen in Settings at run
// time (palette, icons, lines and views follow), AA contrast of badges and muted text computed
// from the palettes, and an accessible name on every button that shows only an icon.
#include "logging/loghub.h"
#include "opsguihelpers.h"
#include "settings/theme.h"
#include "widgets/labels.h"
#include "widgets/logdelegate.h"
#include "widgets/statusbadge.h"
#include "widgets/themecolors.h"
#include "widgets/themediconengine.h"

#include <QApplication>
#include <QComboBox>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QToolButton>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

constexpr double kAa = 4.5;

// The colour of most pixels of `image` other than its top-left one (the background): the ink of
// a line of text.
QColor mostUsedInk(const QImage &image)
{
    QHash<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            ++counts[image.pixel(x, y)];
    }
    const QRgb background = image.pixel(0, 0);
    QRgb best = background;
    int most = 0;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.key() != background && it.value() > most) {
            most = it.value();
            best = it.key();
        }
    }
    return QColor(best);
}

// The average colour of the opaque pixels of `image` (an icon's strokes).
QColor inkOf(const QImage &image)
{
    double r = 0, g = 0, b = 0;
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.alpha() < 250)
                continue;
            r += c.redF();
            g += c.greenF();
            b += c.blueF();
            ++n;
        }
    }
    return n == 0 ? QColor() : QColor::fromRgbF(float(r / n), float(g / n), float(b / n));
}

QString describe(const QColor &a, const QColor &b)
{
    return QStringLiteral("%1 on %2: %3:1")
        .arg(a.name(), b.name())
        .arg(ThemeColors::contrast(a, b), 0, 'f', 2);
}

} // namespace

class TestTheme final : public QObject
{
    Q_OBJECT

    std::unique_ptr<GuiFixture> m_gui;

    // Every text colour the window draws beside the palette's own, in the current theme.
    void checkContrast(const QString &theme)
    {
        const QPalette p = QApplication::palette();
        const QColor muted = p.color(QPalette::PlaceholderText);
        for (QPalette::ColorRole background :
             {QPalette::Window, QPalette::Base, QPalette::AlternateBase}) {
            const QColor bg = p.color(background);
            QVERIFY2(ThemeColors::contrast(muted, bg) >= kAa,
                     qPrintable(theme + QStringLiteral(" muted ") + describe(muted, bg)));
        }
        for (auto tone : {ThemeColors::Tone::Neutral, ThemeColors::Tone::Good,
                          ThemeColors::Tone::Busy, ThemeColors::Tone::Warning,
                          ThemeColors::Tone::Bad}) {
            StatusBadge badge;
            badge.set(QStringLiteral("healthy"), tone);
            QVERIFY2(ThemeColors::contrast(badge.textColour(), badge.fillColour()) >= kAa,
                     qPrintable(theme + QStringLiteral(" badge ") +
                                describe(badge.textColour(), badge.fillColour())));
            const QColor onWindow = ThemeColors::toneText(tone, p.color(QPalette::Window));
            QVERIFY2(ThemeColors::contrast(onWindow, p.color(QPalette::Window)) >= kAa,
                     qPrintable(theme + QStringLiteral(" tone text ") +
                                describe(onWindow, p.color(QPalette::Window))));
        }
        // The window's own badge (server state) and a muted caption as the window draws them.
        auto *pill = qobject_cast<StatusBadge *>(m_gui->window()->statePill());
        QVERIFY(pill);
        QCOMPARE(pill->tone(), StatusBadge::Tone::Good);
        QVERIFY2(ThemeColors::contrast(pill->textColour(), pill->fillColour()) >= kAa,
                 qPrintable(describe(pill->textColour(), pill->fillColour())));
        QWidget host(m_gui->window());
        QLabel *caption = makeMutedLabel(QStringLiteral("Total"), &host);
        const QColor drawn = caption->palette().color(caption->foregroundRole());
        QVERIFY2(ThemeColors::contrast(drawn, caption->palette().color(QPalette::Window)) >= kAa,
                 qPrintable(theme + QStringLiteral(" caption ") +
                            describe(drawn, caption->palette().color(QPalette::Window))));
        // Log levels on the log view's base.
        for (const char *level : {"warning", "error", "debug"}) {
            const QColor c = LogDelegate::levelColor(QString::fromLatin1(level), p);
            QVERIFY2(ThemeColors::contrast(c, p.color(QPalette::Base)) >= kAa,
                     qPrintable(theme + QLatin1Char(' ') + QString::fromLatin1(level) +
                                QLatin1Char(' ') + describe(c, p.color(QPalette::Base))));
        }
    }

    void chooseTheme(const QString &theme)
    {
        QVERIFY(m_gui->show(QStringLiteral("settings")));
        auto *combo = child<QComboBox>(m_gui->window(), "settingsTheme");
        QVERIFY(combo);
        combo->setFocus();
        const int index = combo->findData(theme);
        QVERIFY(index >= 0);
        // As from the keyboard: moves the choice and activates it.
        while (combo->currentIndex() != index)
            QTest::keyClick(combo, combo->currentIndex() < index ? Qt::Key_Down : Qt::Key_Up);
        QCOMPARE(m_gui->settings().theme(), theme);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_gui = std::make_unique<GuiFixture>();
        QVERIFY2(m_gui->start(), qPrintable(m_gui->lastError()));
        QTRY_COMPARE(m_gui->window()->statePill()->text(), QStringLiteral("serving"));
    }
    void cleanupTestCase() { m_gui.reset(); }

    void contrastIsAaInLightAndDark()
    {
        Theme::apply(Theme::Mode::Light);
        checkContrast(QStringLiteral("light"));
        Theme::apply(Theme::Mode::Dark);
        checkContrast(QStringLiteral("dark"));
        Theme::apply(Theme::Mode::System);
        checkContrast(QStringLiteral("system"));
    }

    void themeSwitchesAtRunTime()
    {
        // A link set before the switch is drawn in the new link colour after it.
        QLabel link(QStringLiteral("<a href=\"x\">LINK LINK LINK</a>"), m_gui->window());
        link.setTextFormat(Qt::RichText);
        link.move(400, 400);
        link.show();
        // Drawn once before the switch: its rich text is parsed in the old colours.
        const QColor before = mostUsedInk(link.grab().toImage());
        QVERIFY(before.isValid());

        chooseTheme(QStringLiteral("dark"));
        QCOMPARE(Theme::current(), Theme::Mode::Dark);
        const QPalette dark = QApplication::palette();
        QVERIFY(ThemeColors::luminance(dark.color(QPalette::Window)) < 0.1);

        QTRY_COMPARE(link.palette().color(QPalette::Window), dark.color(QPalette::Window));
        const QColor linkInk = mostUsedInk(link.grab().toImage());
        QVERIFY2(ThemeColors::contrast(linkInk, dark.color(QPalette::Link)) < 1.2,
                 qPrintable(describe(linkInk, dark.color(QPalette::Link))));
        QVERIFY2(ThemeColors::contrast(linkInk, dark.color(QPalette::Window)) >= 4.5,
                 qPrintable(describe(linkInk, dark.color(QPalette::Window))));

        // Icons are drawn in the new text colour; the selected sidebar item's in the
        // highlighted text colour.
        QListWidget *sidebar = m_gui->window()->sidebar();
        const QIcon icon = sidebar->currentItem()->icon();
        const QColor normal = inkOf(icon.pixmap(QSize(32, 32), QIcon::Normal).toImage());
        QVERIFY2(ThemeColors::contrast(normal, dark.color(QPalette::WindowText)) < 1.3,
                 qPrintable(describe(normal, dark.color(QPalette::WindowText))));
        const QColor selected = inkOf(icon.pixmap(QSize(32, 32), QIcon::Selected).toImage());
        QVERIFY2(ThemeColors::contrast(selected, dark.color(QPalette::HighlightedText)) < 1.3,
                 qPrintable(describe(selected, dark.color(QPalette::HighlightedText))));

        // The rule under the header is the palette's line colour, not a white edge.
        auto *rule = m_gui->window()->findChild<QWidget *>(QStringLiteral("headerRule"));
        QVERIFY(rule);
        QTRY_VERIFY(rule->isVisible());
        // Widgets take the new palette from the event loop.
        QTRY_COMPARE(rule->palette().color(QPalette::Mid), dark.color(QPalette::Mid));
        const QImage ruleImage = rule->grab().toImage();
        const QColor ruleColour = ruleImage.pixelColor(ruleImage.width() / 2, 0);
        QVERIFY2(ThemeColors::luminance(ruleColour) < 0.3, qPrintable(ruleColour.name()));

        // A view drawn after the switch has the dark base.
        m_gui->host().logHub().append(QStringLiteral("server"), QStringLiteral("warning"),
                                      QStringLiteral("edgedesk.test"),
                                      QStringLiteral("a line to draw in the dark theme"));
        QVERIFY(m_gui->show(QStringLiteral("logs")));
        QWidget *logs = m_gui->window()->findChild<QWidget *>(QStringLiteral("logsView"));
        QVERIFY(logs);
        QTRY_VERIFY(logs->isVisible());
        const QImage logImage = logs->grab().toImage();
        QVERIFY(ThemeColors::luminance(logImage.pixelColor(logImage.width() - 30,
                                                           logImage.height() - 4)) < 0.1);
        m_gui->screenshot(QStringLiteral("theme-dark"));

        chooseTheme(QStringLiteral("light"));
        QCOMPARE(Theme::current(), Theme::Mode::Light);
        const QPalette light = QApplication::palette();
        QVERIFY(ThemeColors::luminance(light.color(QPalette::Window)) > 0.7);
        const QColor lightInk = inkOf(icon.pixmap(QSize(32, 32), QIcon::Normal).toImage());
        QVERIFY2(ThemeColors::contrast(lightInk, light.color(QPalette::WindowText)) < 1.3,
                 qPrintable(describe(lightInk, light.color(QPalette::WindowText))));
        QTRY_COMPARE(rule->palette().color(QPalette::Mid), light.color(QPalette::Mid));

        chooseTheme(QStringLiteral("system"));
        QCOMPARE(Theme::current(), Theme::Mode::System);
    }

    void everyIconOnlyButtonHasAnAccessibleName()
    {
        // Every section is built at start; walk them all, visible or not.
        QStringList missing;
        const auto buttons = m_gui->window()->findChildren<QAbstractButton *>();
        int iconOnly = 0;
        for (QAbstractButton *button : buttons) {
            if (!qobject_cast<QToolButton *>(button) && !qobject_cast<QPushButton *>(button))
                continue;
            // Buttons a line edit makes for its own actions (clear, search icon) are not in
            // the tab order; the line edit carries the name.
            if (qobject_cast<QLineEdit *>(button->parentWidget()))
                continue;
            // Qt's own controls (the menu bar's overflow button) are named by Qt.
            if (button->objectName().startsWith(QLatin1String("qt_")))
                continue;
            auto *tool = qobject_cast<QToolButton *>(button);
            const bool textShown =
                !button->text().isEmpty() &&
                !(tool && tool->toolButtonStyle() == Qt::ToolButtonIconOnly &&
                  !tool->icon().isNull());
            if (textShown || (button->icon().isNull() && !(tool && tool->arrowType())))
                continue;
            ++iconOnly;
            if (button->accessibleName().isEmpty())
                missing.append(QStringLiteral("%1 (%2, tooltip \"%3\")")
                                   .arg(button->objectName(),
                                        QString::fromLatin1(button->metaObject()->className()),
                                        button->toolTip()));
        }
        QVERIFY(iconOnly >= 5);
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QStringLiteral("; "))));
    }
};

QTEST_MAIN(TestTheme)
#include "test_theme.moc"
