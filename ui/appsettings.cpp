#include "appsettings.h"

namespace edgedesk {

AppSettings::AppSettings()
    : m_settings(
          std::make_unique<QSettings>(QStringLiteral("edgedesk"), QStringLiteral("edgedesk")))
{}

AppSettings::AppSettings(const QString &iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings->value(QStringLiteral("window/geometry")).toByteArray();
}
void AppSettings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(QStringLiteral("window/geometry"), geometry);
}
QByteArray AppSettings::windowState() const
{
    return m_settings->value(QStringLiteral("window/state")).toByteArray();
}
void AppSettings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(QStringLiteral("window/state"), state);
}
QString AppSettings::lastSection() const
{
    return m_settings->value(QStringLiteral("window/section"), QStringLiteral("overview"))
        .toString();
}
void AppSettings::setLastSection(const QString &id)
{
    m_settings->setValue(QStringLiteral("window/section"), id);
}
QString AppSettings::theme() const
{
    return m_settings->value(QStringLiteral("window/theme"), QStringLiteral("system")).toString();
}
void AppSettings::setTheme(const QString &theme)
{
    m_settings->setValue(QStringLiteral("window/theme"), theme);
}
bool AppSettings::keepServingInTray() const
{
    return m_settings->value(QStringLiteral("app/keepServingInTray"), false).toBool();
}
void AppSettings::setKeepServingInTray(bool on)
{
    m_settings->setValue(QStringLiteral("app/keepServingInTray"), on);
}
int AppSettings::port() const
{
    return m_settings->value(QStringLiteral("server/port"), 0).toInt();
}
void AppSettings::setPort(int port)
{
    m_settings->setValue(QStringLiteral("server/port"), port);
}
QString AppSettings::bindAddress() const
{
    return m_settings->value(QStringLiteral("server/bind")).toString();
}
void AppSettings::setBindAddress(const QString &address)
{
    m_settings->setValue(QStringLiteral("server/bind"), address);
}
QString AppSettings::dataDir() const
{
    return m_settings->value(QStringLiteral("server/dataDir")).toString();
}
void AppSettings::setDataDir(const QString &dir)
{
    m_settings->setValue(QStringLiteral("server/dataDir"), dir);
}
QString AppSettings::configPath() const
{
    return m_settings->value(QStringLiteral("server/config")).toString();
}
void AppSettings::setConfigPath(const QString &path)
{
    m_settings->setValue(QStringLiteral("server/config"), path);
}
QString AppSettings::token() const
{
    return m_settings->value(QStringLiteral("server/token")).toString();
}
void AppSettings::setToken(const QString &token)
{
    m_settings->setValue(QStringLiteral("server/token"), token);
}
QVariant AppSettings::panelValue(const QString &panel, const QString &key,
                                 const QVariant &fallback) const
{
    return m_settings->value(QStringLiteral("panels/%1/%2").arg(panel, key), fallback);
}
void AppSettings::setPanelValue(const QString &panel, const QString &key, const QVariant &value)
{
    m_settings->setValue(QStringLiteral("panels/%1/%2").arg(panel, key), value);
}
void AppSettings::sync()
{
    m_settings->sync();
}

} // namespace edgedesk
