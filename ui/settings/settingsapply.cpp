#include "settings/settingsapply.h"

#include "apiclient.h"
#include "appsettings.h"
#include "serverhost.h"

#include <QUrl>

#include <memory>

namespace edgedesk {

SettingsApply::SettingsApply(const PanelContext &context, QObject *parent)
    : QObject(parent), m_context(context)
{}

void SettingsApply::apply(const Change &change)
{
    if (m_applying)
        return;
    m_applying = true;
    const bool dataDirChanged = change.dataDir != m_context.settings->dataDir();
    if (change.key.isEmpty() || dataDirChanged) {
        commit(change);
        return;
    }
    Q_EMIT message(tr("Storing the API key as %1…").arg(change.keySecret), false);
    storeSecret(change.keySecret, change.key, [this, change](bool ok) {
        if (ok)
            commit(change);
        else
            end(Outcome::Failed);
    });
}

void SettingsApply::commit(const Change &change)
{
    AppSettings *settings = m_context.settings;
    if (change.config) {
        if (const Status saved = change.config->save(change.configPath); !saved) {
            Q_EMIT message(tr("Could not write the configuration: %1").arg(saved.error().message),
                           true);
            end(Outcome::Failed);
            return;
        }
        settings->setConfigPath(change.configPath);
    }
    const bool dataDirChanged = change.dataDir != settings->dataDir();
    settings->setPort(change.port);
    settings->setBindAddress(change.bind);
    settings->setToken(change.token);
    settings->setDataDir(change.dataDir);
    settings->sync();
    Q_EMIT committed();
    if (!change.key.isEmpty() && dataDirChanged) {
        // The key belongs in the new folder's store, which exists once the server serves.
        m_pendingSecret = change.keySecret;
        m_pendingKey = change.key;
    }
    if (change.changed.isEmpty() && !change.config) {
        Q_EMIT message(tr("Stored the API key as %1. No restart needed.").arg(change.keySecret),
                       false);
        end(Outcome::Saved);
        return;
    }
    Q_EMIT message(tr("Restarting the server to apply: %1…")
                       .arg(change.changed.isEmpty() ? tr("configuration")
                                                     : change.changed.join(QStringLiteral(", "))),
                   false);
    restartServer();
}

void SettingsApply::restartServer()
{
    ServerHost *host = m_context.host;
    const auto state = host->state();
    if (state != ServerHost::State::Serving && state != ServerHost::State::Starting &&
        state != ServerHost::State::Stopping) {
        m_context.restartServer();
        return;
    }
    // Stop, and start again once the old server thread is gone: restarting a running server in
    // one go (stopAndWait() then start()) blocks this thread for up to 3 s, and the old thread's
    // queued finished() then arrives after the new server started and waits on it forever.
    auto once = std::make_shared<bool>(false);
    auto start = [this, once] {
        if (*once)
            return;
        *once = true;
        m_context.restartServer();
    };
    connect(host, &ServerHost::stopped, this, start, Qt::SingleShotConnection);
    connect(host, &ServerHost::failed, this, start, Qt::SingleShotConnection);
    host->stop();
}

void SettingsApply::serverReady()
{
    if (!m_applying)
        return;
    const QString url = m_context.host->displayUrl();
    if (m_pendingSecret.isEmpty()) {
        Q_EMIT message(tr("Applied: the server restarted and serves on %1.").arg(url), false);
    } else {
        const QString name = m_pendingSecret;
        storeSecret(name, m_pendingKey, [this, name, url](bool ok) {
            if (ok)
                Q_EMIT message(tr("Applied: the server restarted on %1 and the key is stored "
                                  "as %2.")
                                   .arg(url, name),
                               false);
        });
        m_pendingSecret.clear();
        m_pendingKey.clear();
    }
    end(Outcome::Restarted);
}

void SettingsApply::serverFailed(const QString &text)
{
    if (!m_applying)
        return;
    Q_EMIT message(tr("The server did not start with these settings: %1. Change them and apply "
                      "again.")
                       .arg(text),
                   true);
    end(Outcome::Failed);
}

void SettingsApply::end(Outcome outcome)
{
    m_applying = false;
    Q_EMIT finished(outcome);
}

void SettingsApply::storeSecret(const QString &name, const QByteArray &value,
                                std::function<void(bool ok)> then)
{
    m_context.api->call(
        "PUT",
        QStringLiteral("/__edgedesk/v1/secrets/%1")
            .arg(QString::fromUtf8(QUrl::toPercentEncoding(name))),
        value, {{"Content-Type", "application/octet-stream"}}, this,
        [this, name, then](const ApiResponse &r) {
            if (!r.ok()) {
                Q_EMIT message(tr("Could not store the API key as %1: %2. Nothing was changed.")
                                   .arg(name, r.describeError()),
                               true);
                then(false);
                return;
            }
            Q_EMIT secretStored(name);
            then(true);
        });
}

} // namespace edgedesk
