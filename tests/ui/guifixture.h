#pragma once

#include "appsettings.h"
#include "mainwindow.h"
#include "serverhost.h"

#include <QTemporaryDir>

#include <memory>

namespace edgedesk::test {

// A MainWindow at 1440x900 over its own in-process server (port 0, temporary data folder and
// settings file), as a user would see it.
class GuiFixture
{
public:
    explicit GuiFixture(ServerOptions options = {});
    ~GuiFixture();

    bool start(int timeoutMs = 20000); // shows the window and waits until the server serves
    // Closes the window and stops the server, then opens a new window on the same settings and
    // data folder and starts again: what quitting and launching EdgeDesk does.
    bool restartWindow(int timeoutMs = 20000);
    MainWindow *window() const { return m_window.get(); }
    ServerHost &host() { return *m_host; }
    AppSettings &settings() { return *m_settings; }
    quint16 port() const { return m_host->port(); }
    QString dataDir() const { return m_options.dataDir; }
    QString lastError() const { return m_error; }

    template <typename T> T *panel(const QString &id) const
    {
        return qobject_cast<T *>(m_window->panel(id));
    }
    // Switches the window to a section and lets it paint.
    bool show(const QString &id);
    // Saves the window as <EDGEDESK_SCREENSHOT_DIR>/<name>.png; returns the path (empty on
    // failure).
    QString screenshot(const QString &name);

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    ServerOptions m_options;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<ServerHost> m_host;
    std::unique_ptr<MainWindow> m_window;
    QString m_error;
};

} // namespace edgedesk::test
