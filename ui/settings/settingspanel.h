#pragma once

#include "panel.h"
#include "settings/managedconfig.h"

#include <optional>

class QLabel;
class QPushButton;

namespace edgedesk {

class SettingsApply;
class SettingsForm;

// Settings: server options (port, bind address, token, data folder), the AI provider and its
// key, command network and sleep_after per container class, and the tray option
// (SettingsForm). Apply validates everything (validateSettings), then stores the key, writes
// <data>/edgedesk.jsonc and restarts the server (SettingsApply).
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
    bool isApplying() const;

private:
    void connectParts();
    void showMessage(const QString &text, bool error);
    void showConfigHint(const QString &problem);
    void updateServerState();
    QString targetDataDir() const;
    std::optional<ManagedConfig> patchedConfig() const;
    void readEffective();

    SettingsForm *m_form = nullptr;
    SettingsApply *m_apply = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_revert = nullptr;

    std::optional<ManagedConfig> m_config;
    QString m_configPath; // what m_config was loaded from ("" for the built-in default)
    QStringList m_storedSecrets;
    bool m_dirty = false; // fields edited since the last revert()
};

} // namespace edgedesk
