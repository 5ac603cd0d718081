#pragma once

#include "panel.h"
#include "settings/managedconfig.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;

namespace edgedesk {

// Settings: server options (port, bind address, token, data folder), the AI provider and its
// key, command network and sleep_after per container class, and the tray option. Apply
// validates everything, stores the key in the secrets store, writes <data>/edgedesk.jsonc and
// restarts the server.
class SettingsPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsPanel)

public:
    SettingsPanel(const PanelContext &context, QWidget *parent = nullptr);

    void activated() override;
    void serverReady() override;

    // Reads the fields back from the saved settings and the configuration file.
    void revert();
    // Checks every field; the first problem as a sentence (empty when all is well). Marks the
    // field and focuses it.
    QString validate();
    // Validates, then stores, writes and restarts. False when nothing was applied.
    bool apply();

    // The file Apply writes: <data folder>/edgedesk.jsonc.
    QString managedConfigPath() const;
    QLabel *messageLabel() const { return m_message; }
    bool isApplying() const { return m_applying; }

private:
    struct ContainerRow
    {
        ManagedConfig::Container original;
        QLineEdit *sleepAfter = nullptr;
        QComboBox *network = nullptr;
    };

    void buildContainerRows();
    void updateProviderFields();
    void updateHints();
    void markInvalid(QWidget *field, bool invalid);
    void showMessage(const QString &text, bool error);
    QString targetDataDir() const;
    ManagedConfig::Ai chosenAi() const;
    QString keySecretName() const;
    void finishApply(const QString &secretName, const QByteArray &secretValue);
    void putSecretThen(const QString &name, const QByteArray &value,
                       std::function<void(bool ok)> then);
    void readEffective();
    void restartServer();

    // Server
    QLineEdit *m_port = nullptr;
    QLineEdit *m_bind = nullptr;
    QLineEdit *m_token = nullptr;
    QToolButton *m_showToken = nullptr;
    QPushButton *m_generateToken = nullptr;
    QLineEdit *m_dataDir = nullptr;
    QPushButton *m_chooseDataDir = nullptr;
    QPushButton *m_openDataDir = nullptr;
    QLabel *m_dataDirHint = nullptr;
    QLabel *m_configHint = nullptr;
    QLabel *m_serverHint = nullptr;
    // AI
    QComboBox *m_provider = nullptr;
    QLineEdit *m_baseUrl = nullptr;
    QLineEdit *m_model = nullptr;
    QLineEdit *m_account = nullptr;
    QLineEdit *m_secretName = nullptr;
    QLineEdit *m_apiKey = nullptr;
    QLabel *m_aiHint = nullptr;
    QFormLayout *m_aiForm = nullptr;
    // Containers
    QFormLayout *m_containerForm = nullptr;
    QList<ContainerRow> m_containerRows;
    // Window
    QCheckBox *m_tray = nullptr;
    // Footer
    QLabel *m_message = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_revert = nullptr;

    std::optional<ManagedConfig> m_config;
    QString m_configPath; // what m_config was loaded from ("" for the built-in default)
    QStringList m_storedSecrets;
    // A key to store once the server serves from a new data folder.
    QString m_pendingSecretName;
    QByteArray m_pendingSecretValue;
    bool m_applying = false;
    bool m_dirty = false; // fields edited since the last revert()
};

} // namespace edgedesk
