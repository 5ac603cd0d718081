#pragma once

#include <QIcon>
#include <QKeySequence>
#include <QWidget>

#include <functional>

namespace edgedesk {

class ApiClient;
class AppSettings;
class ServerHost;

// What every panel gets: the server facade (state and live signals), the HTTP client for the
// local endpoints, and the settings store for its last inputs.
struct PanelContext
{
    ServerHost *host = nullptr;
    ApiClient *api = nullptr;
    AppSettings *settings = nullptr;
    std::function<void()> restartServer; // Settings → Apply
};

// One section of the main window.
class Panel : public QWidget
{
    Q_OBJECT

public:
    Panel(QString id, QString title, QString iconName, const PanelContext &context,
          QWidget *parent = nullptr);

    QString id() const { return m_id; }
    QString title() const { return m_title; }
    QString iconName() const { return m_iconName; }
    QIcon icon() const;
    const PanelContext &context() const { return m_context; }

    // The panel became visible.
    virtual void activated() {}
    // The server is serving (again) at context().api->baseUrl().
    virtual void serverReady() {}
    // Save inputs (window closing).
    virtual void saveState() {}

    static QIcon themedIcon(const QString &name);

protected:
    // A shortcut that works while focus is anywhere inside this panel, or only while `onlyIn`
    // has it (Delete on a list deletes the list's selection, not text in a field).
    void addShortcut(const QKeySequence &keys, std::function<void()> action,
                     QWidget *onlyIn = nullptr);
    // The same, saying what it does: the shortcut sheet and the command palette list it so.
    void addShortcut(const QString &description, const QKeySequence &keys,
                     std::function<void()> action, QWidget *onlyIn = nullptr);
    // Ctrl+Return and Ctrl+Enter run the panel's main action; Escape stops or cancels it. Without
    // texts, the palette describes them from the tooltips that name those keys.
    void addRunShortcuts(std::function<void()> run, std::function<void()> stop,
                         const QString &runText = {}, const QString &stopText = {});

Q_SIGNALS:
    // Ask the main window to show another section (e.g. a "how to fix" link to Settings).
    void showSection(const QString &id);

private:
    QString m_id;
    QString m_title;
    QString m_iconName;
    PanelContext m_context;
};

} // namespace edgedesk
