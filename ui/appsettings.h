#pragma once

#include <QByteArray>
#include <QSettings>
#include <QString>
#include <QVariant>

#include <memory>

namespace edgedesk {

// Every setting the window keeps between runs, through one typed class. Tests construct it on a
// temporary INI file so they never touch the user's settings.
class AppSettings final
{
public:
    AppSettings();                                // the user's settings (QSettings' native place)
    explicit AppSettings(const QString &iniPath); // an isolated file (tests)

    QSettings &raw() { return *m_settings; }

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    QString lastSection() const;
    void setLastSection(const QString &id);

    // "system", "light" or "dark" (Theme::fromString reads it).
    QString theme() const;
    void setTheme(const QString &theme);

    bool keepServingInTray() const;
    void setKeepServingInTray(bool on);

    // Server settings chosen in the Settings panel (empty/0: the command line's or the default).
    int port() const;
    void setPort(int port);
    QString bindAddress() const;
    void setBindAddress(const QString &address);
    QString dataDir() const;
    void setDataDir(const QString &dir);
    QString configPath() const;
    void setConfigPath(const QString &path);
    // The access token clients must send (Bearer) when the server binds beyond loopback.
    QString token() const;
    void setToken(const QString &token);

    // A panel's own inputs, under "panels/<panel>/<key>".
    QVariant panelValue(const QString &panel, const QString &key,
                        const QVariant &fallback = {}) const;
    void setPanelValue(const QString &panel, const QString &key, const QVariant &value);

    void sync();

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace edgedesk
