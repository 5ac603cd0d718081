#pragma once

#include "settings/managedconfig.h"
#include "settings/settingsvalidator.h"

#include <QList>
#include <QScrollArea>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;

namespace edgedesk {

// The Settings fields, in four groups: Server (port, bind address, access token, data folder),
// AI provider (and its key), Containers (sleep after, command network per class) and Window.
// Which AI fields show follows the provider; the hints follow what is typed.
class SettingsForm final : public QScrollArea
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsForm)

public:
    // What the server fields show when nothing of the user's own is set.
    struct Defaults
    {
        int port = 8787;
        QString dataDir;
    };

    explicit SettingsForm(QWidget *parent);

    // Fills the server fields from saved settings (empty: the defaults).
    void setServer(int port, const QString &bind, const QString &token, const QString &dataDir,
                   const Defaults &defaults);
    void setTray(bool on);
    void setTheme(const QString &theme); // "system", "light", "dark"
    void setConfigHint(const QString &text);
    void setAi(const ManagedConfig::Ai &ai);
    void setContainers(const QList<ManagedConfig::Container> &containers);
    // The running server's URL as people type it and its data folder, for the hints (empty: not
    // serving).
    void setServerState(const QString &url, const QString &dataDir);
    void setAiHint(const QString &text);
    void setStoredSecrets(const QStringList &names);
    void setDataDir(const QString &dir);

    SettingsInput input() const;
    ManagedConfig::Ai chosenAi() const;
    QList<ManagedConfig::Container> chosenContainers() const;
    QString keySecretName() const;
    bool isKeyStored() const;
    QByteArray apiKey() const;
    void clearApiKey();
    int port() const;
    QString bind() const;
    QString token() const;
    QString dataDir() const; // as typed, cleaned; empty for the default

    // Marks the field of `problem` red and gives it focus (None: clears every mark).
    void mark(const SettingsProblem &problem);

Q_SIGNALS:
    // The user changed a field (the form no longer shows what is in effect).
    void edited();
    void trayToggled(bool on);
    void themeChosen(const QString &theme);
    void chooseDataDirRequested();
    void openDataDirRequested();

private:
    struct ContainerRow
    {
        ManagedConfig::Container original;
        QLineEdit *sleepAfter = nullptr;
        QComboBox *network = nullptr;
    };

    QWidget *buildServer(QWidget *parent);
    QWidget *buildAi(QWidget *parent);
    void updateProviderFields();
    void updateHints();
    QWidget *fieldOf(const SettingsProblem &problem) const;
    static void markInvalid(QWidget *field, bool invalid);

    QString m_serverUrl;
    QString m_dataDirInUse;
    QStringList m_storedSecrets;

    QLineEdit *m_port = nullptr;
    QLineEdit *m_bind = nullptr;
    QLineEdit *m_token = nullptr;
    QToolButton *m_showToken = nullptr;
    QPushButton *m_generateToken = nullptr;
    QLineEdit *m_dataDir = nullptr;
    QLabel *m_dataDirHint = nullptr;
    QLabel *m_configHint = nullptr;
    QLabel *m_serverHint = nullptr;
    QComboBox *m_provider = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_model = nullptr;
    QLineEdit *m_account = nullptr;
    QLineEdit *m_secretName = nullptr;
    QLineEdit *m_apiKey = nullptr;
    QLabel *m_aiHint = nullptr;
    QFormLayout *m_aiForm = nullptr;
    QFormLayout *m_containerForm = nullptr;
    QList<ContainerRow> m_containerRows;
    QCheckBox *m_tray = nullptr;
    QComboBox *m_theme = nullptr;
};

} // namespace edgedesk
