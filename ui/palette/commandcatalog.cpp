#include "palette/commandcatalog.h"

#include "apiclient.h"
#include "panel.h"
#include "serverhost.h"

#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QRegularExpression>
#include <QShortcut>

namespace edgedesk {

CommandCatalog::CommandCatalog(QMainWindow *window, ServerHost *host, ApiClient *api,
                               std::function<QList<Panel *>()> panels,
                               std::function<void(const QString &)> showSection)
    : QObject(window), m_window(window), m_host(host), m_api(api), m_panels(std::move(panels)),
      m_showSection(std::move(showSection))
{}

QString CommandCatalog::plainText(QString text)
{
    static const QRegularExpression mnemonic(QStringLiteral("&(?!&)"));
    text.remove(mnemonic);
    text.replace(QStringLiteral("&&"), QStringLiteral("&"));
    return text;
}

QString CommandCatalog::describe(const QShortcut *shortcut, const QWidget *within)
{
    if (!shortcut->whatsThis().isEmpty())
        return shortcut->whatsThis();
    const QKeySequence keys = shortcut->key();
    // Tooltips write both Ctrl+Return and Ctrl+Enter as "Ctrl+Enter".
    const QKeySequence returnKeys(Qt::CTRL | Qt::Key_Return);
    const QString named = (keys == returnKeys ? QKeySequence(Qt::CTRL | Qt::Key_Enter) : keys)
                              .toString(QKeySequence::NativeText);
    const QString marker = QLatin1Char('(') + named;
    for (const QWidget *w : within->findChildren<QWidget *>()) {
        const QString tip = w->toolTip();
        const qsizetype at = tip.indexOf(marker);
        const qsizetype next = at + marker.size();
        const QChar after = at >= 0 && next < tip.size() ? tip.at(next) : QChar();
        if (at > 0 && (after == QLatin1Char(')') || after == QLatin1Char(';')))
            return tip.left(at).trimmed();
    }
    static const QList<QPair<QKeySequence::StandardKey, const char *>> standard{
        {QKeySequence::Refresh, QT_TR_NOOP("Refresh")},
        {QKeySequence::Save, QT_TR_NOOP("Save")},
        {QKeySequence::Find, QT_TR_NOOP("Find")},
        {QKeySequence::New, QT_TR_NOOP("New")},
        {QKeySequence::Delete, QT_TR_NOOP("Delete the selection")},
        {QKeySequence::Cancel, QT_TR_NOOP("Stop or cancel")},
    };
    for (const auto &[key, name] : standard) {
        if (QKeySequence::keyBindings(key).contains(keys))
            return tr(name);
    }
    if (keys == returnKeys || keys == QKeySequence(Qt::CTRL | Qt::Key_Enter))
        return tr("Run");
    return tr("Shortcut %1").arg(keys.toString(QKeySequence::NativeText));
}

QList<PaletteCommand> CommandCatalog::commands()
{
    QList<PaletteCommand> out;
    for (QAction *action : m_window->actions()) {
        if (action->isSeparator() || action->text().isEmpty())
            continue;
        const QString group = action->property("paletteGroup").toString();
        QPointer<QAction> guard(action);
        out.append({group.isEmpty() ? tr("Window") : group, plainText(action->text()),
                    action->shortcuts(), [guard] {
                        if (guard && guard->isEnabled())
                            guard->trigger();
                    }});
    }
    for (QAction *top : m_window->menuBar()->actions()) {
        if (const QMenu *menu = top->menu())
            addMenu(out, menu, plainText(menu->title()));
    }
    // A menu action may also be a window action (a shortcut that works without the menu).
    for (qsizetype i = out.size() - 1; i >= 0; --i) {
        for (qsizetype j = 0; j < i; ++j) {
            if (out[j].text == out[i].text && out[j].keys == out[i].keys) {
                out.removeAt(i);
                break;
            }
        }
    }
    for (Panel *panel : m_panels())
        addPanelShortcuts(out, panel);
    addInstanceCommands(out);
    return out;
}

void CommandCatalog::addMenu(QList<PaletteCommand> &out, const QMenu *menu,
                             const QString &group) const
{
    for (QAction *action : menu->actions()) {
        if (action->isSeparator() || action->text().isEmpty())
            continue;
        if (const QMenu *sub = action->menu()) {
            addMenu(out, sub, group + QStringLiteral(" › ") + plainText(sub->title()));
            continue;
        }
        QPointer<QAction> guard(action);
        out.append({group, plainText(action->text()), action->shortcuts(), [guard] {
                        if (guard && guard->isEnabled())
                            guard->trigger();
                    }});
    }
}

void CommandCatalog::addPanelShortcuts(QList<PaletteCommand> &out, Panel *panel)
{
    const qsizetype first = out.size();
    for (QShortcut *shortcut : panel->findChildren<QShortcut *>()) {
        if (!shortcut->isEnabled() || shortcut->key().isEmpty())
            continue;
        const QString text = describe(shortcut, panel);
        // Ctrl+Return and Ctrl+Enter doing one thing are one command with two keys.
        bool merged = false;
        for (qsizetype i = first; i < out.size() && !merged; ++i) {
            if (out[i].text == text) {
                out[i].keys.append(shortcut->key());
                merged = true;
            }
        }
        if (merged)
            continue;
        QPointer<QShortcut> guard(shortcut);
        const QString id = panel->id();
        out.append({panel->title(), text, {shortcut->key()}, [this, guard, id] {
                        m_showSection(id);
                        if (guard)
                            Q_EMIT guard->activated();
                    }});
    }
}

void CommandCatalog::addInstanceCommands(QList<PaletteCommand> &out)
{
    if (!m_host->isServing())
        return;
    for (const ContainerClassConfig &c : m_host->config().containers) {
        for (int i = 0; i < c.maxInstances; ++i) {
            const QString instance = QStringLiteral("instance-%1").arg(i);
            const QString name = c.className;
            out.append({tr("Containers"),
                        tr("Restart %1 %2").arg(name, instance),
                        {},
                        [this, name, instance] { restartInstance(name, instance); }});
        }
    }
}

void CommandCatalog::restartInstance(const QString &className, const QString &instance)
{
    const QString path =
        QStringLiteral("/__edgedesk/v1/containers/%1/%2/restart")
            .arg(QString::fromLatin1(QUrl::toPercentEncoding(className)), instance);
    Q_EMIT message(tr("Restarting %1 %2…").arg(className, instance));
    m_api->call("POST", path, {}, {}, this, [this, className, instance](const ApiResponse &r) {
        Q_EMIT message(
            r.ok() ? tr("%1 %2 restarted").arg(className, instance)
                   : tr("Could not restart %1 %2: %3").arg(className, instance, r.describeError()));
    });
}

} // namespace edgedesk
