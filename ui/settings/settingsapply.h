#pragma once

#include "panel.h"
#include "settings/managedconfig.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace edgedesk {

// Settings → Apply: stores the AI key in the secrets store, writes <data>/edgedesk.jsonc, saves
// the server settings and restarts the server with them. A key meant for another data folder
// waits until the server serves from it.
class SettingsApply final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsApply)

public:
    // What Apply changes, worked out from the form.
    struct Change
    {
        int port = 0;
        QString bind;
        QString token;
        QString dataDir;
        QStringList changed;                 // "port", "AI provider", ... for the message
        std::optional<ManagedConfig> config; // written to `configPath` when set
        QString configPath;
        QByteArray key; // the API key typed, if any
        QString keySecret;
    };

    enum class Outcome
    {
        Failed,    // nothing changed, or the server did not start with the new settings
        Saved,     // stored without a restart (only the key changed)
        Restarted, // the server serves with the new settings
    };
    Q_ENUM(Outcome)

    SettingsApply(const PanelContext &context, QObject *parent);

    bool isApplying() const { return m_applying; }
    void apply(const Change &change);
    // The server serves (again): finishes a restart this started.
    void serverReady();
    // The server did not start: the apply ends with `message`.
    void serverFailed(const QString &message);
    // PUT /__edgedesk/v1/secrets/<name>; `then(ok)` once answered.
    void storeSecret(const QString &name, const QByteArray &value,
                     std::function<void(bool ok)> then);

Q_SIGNALS:
    void message(const QString &text, bool error);
    void secretStored(const QString &name);
    // The settings are saved (the typed key has gone where it belongs).
    void committed();
    void finished(edgedesk::SettingsApply::Outcome outcome);

private:
    void commit(const Change &change);
    void restartServer();
    void end(Outcome outcome);

    PanelContext m_context;
    bool m_applying = false;
    // A key to store once the server serves from a new data folder.
    QString m_pendingSecret;
    QByteArray m_pendingKey;
};

} // namespace edgedesk
