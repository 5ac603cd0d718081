#include "settings/settingspanel.h"

#include "apiclient.h"
#include "appsettings.h"
#include "serverhost.h"
#include "settings/settingsapply.h"
#include "settings/settingsform.h"
#include "settings/settingsvalidator.h"
#include "settings/theme.h"
#include "widgets/labels.h"
#include "widgets/sectionheading.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

SettingsPanel::SettingsPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("settings"), tr("Settings"), QStringLiteral("settings"), context, parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(new SectionHeading(
        tr("Settings"),
        tr("Where and how the server listens, the AI provider, and the container options. "
           "Apply saves them and restarts the server."),
        this));
    m_form = new SettingsForm(this);
    outer->addWidget(m_form, 1);

    // The footer stays outside the scroll area so Apply is always visible.
    auto *line = new QFrame(this);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Sunken);
    outer->addWidget(line);
    auto *footer = new QHBoxLayout;
    footer->setContentsMargins(0, 4, 0, 4);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("settingsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_revert = new QPushButton(tr("Revert"), this);
    m_revert->setObjectName(QStringLiteral("settingsRevert"));
    m_revert->setToolTip(tr("Forget the changes not applied yet"));
    m_applyButton = new QPushButton(tr("Apply and restart"), this);
    m_applyButton->setObjectName(QStringLiteral("settingsApply"));
    m_applyButton->setDefault(true);
    m_applyButton->setToolTip(tr("Save the settings and restart the server with them (Ctrl+S)"));
    footer->addWidget(m_message, 1);
    footer->addWidget(m_revert);
    footer->addWidget(m_applyButton);
    outer->addLayout(footer);

    m_apply = new SettingsApply(this->context(), this);
    connectParts();
    revert();
}

void SettingsPanel::connectParts()
{
    connect(m_form, &SettingsForm::edited, this, [this] { m_dirty = true; });
    connect(m_form, &SettingsForm::trayToggled, this, [this](bool on) {
        context().settings->setKeepServingInTray(on);
        context().settings->sync();
    });
    connect(m_form, &SettingsForm::themeChosen, this, [this](const QString &theme) {
        context().settings->setTheme(theme);
        context().settings->sync();
        Theme::apply(Theme::fromString(theme));
    });
    connect(m_form, &SettingsForm::chooseDataDirRequested, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Choose the data folder"), targetDataDir());
        if (!dir.isEmpty())
            m_form->setDataDir(dir);
    });
    connect(m_form, &SettingsForm::openDataDirRequested, this, [this] {
        const QString inUse = context().host->dataDir();
        const QString dir = inUse.isEmpty() ? targetDataDir() : inUse;
        QDir().mkpath(dir);
        if (!QDesktopServices::openUrl(QUrl::fromLocalFile(dir)))
            showMessage(tr("Could not open %1 in a file manager.").arg(dir), true);
    });
    connect(m_applyButton, &QPushButton::clicked, this, &SettingsPanel::apply);
    connect(m_revert, &QPushButton::clicked, this, [this] {
        revert();
        showMessage(tr("Reverted to the settings in effect."), false);
    });
    addShortcut(QKeySequence::Save, [this] { apply(); });

    connect(m_apply, &SettingsApply::message, this, &SettingsPanel::showMessage);
    connect(m_apply, &SettingsApply::committed, m_form, &SettingsForm::clearApiKey);
    connect(m_apply, &SettingsApply::secretStored, this, [this](const QString &name) {
        m_storedSecrets.append(name);
        m_form->setStoredSecrets(m_storedSecrets);
    });
    connect(m_apply, &SettingsApply::finished, this, [this](SettingsApply::Outcome outcome) {
        m_applyButton->setEnabled(true);
        if (outcome == SettingsApply::Outcome::Saved) {
            m_dirty = false;
            readEffective();
        }
    });
    connect(context().host, &ServerHost::failed, m_apply, &SettingsApply::serverFailed);
}

bool SettingsPanel::isApplying() const
{
    return m_apply->isApplying();
}

void SettingsPanel::activated()
{
    // Secrets may have been stored elsewhere (the Secrets section, curl) since the last look.
    if (context().host->isServing() && !isApplying())
        readEffective();
}

void SettingsPanel::serverReady()
{
    const bool wasApplying = isApplying();
    m_apply->serverReady();
    if (wasApplying || !m_dirty)
        revert();
    readEffective();
}

void SettingsPanel::revert()
{
    AppSettings *settings = context().settings;
    const ServerHost *host = context().host;
    const ServerOptions &options = host->options();
    m_form->setServer(settings->port(), settings->bindAddress(), settings->token(),
                      settings->dataDir(),
                      {options.port, host->dataDir().isEmpty() ? ServerOptions::defaultDataDir()
                                                               : host->dataDir()});
    m_form->setTray(settings->keepServingInTray());
    m_form->setTheme(Theme::toString(Theme::fromString(settings->theme())));

    m_configPath = !settings->configPath().isEmpty() ? settings->configPath() : options.configPath;
    auto loaded = ManagedConfig::load(m_configPath);
    QString configProblem;
    if (!loaded) {
        configProblem = loaded.error().message;
        m_configPath.clear();
        loaded = ManagedConfig::load(QString());
    }
    if (loaded)
        m_config = std::move(*loaded);
    else
        m_config.reset();
    showConfigHint(configProblem);
    m_form->setAi(m_config ? m_config->ai() : ManagedConfig::Ai{});
    m_form->setContainers(m_config ? m_config->containers() : QList<ManagedConfig::Container>{});
    updateServerState();
    m_dirty = false;
}

void SettingsPanel::showConfigHint(const QString &problem)
{
    const QString managed = QDir::toNativeSeparators(managedConfigPath());
    QString text;
    if (m_configPath.isEmpty())
        text = tr("The built-in default. Applying AI or container changes writes %1 and uses it "
                  "from then on.")
                   .arg(managed);
    else if (QFileInfo(m_configPath) == QFileInfo(managedConfigPath()))
        text = tr("%1 — EdgeDesk's own copy, rewritten by Apply.").arg(managed);
    else
        text = tr("%1. Applying AI or container changes writes a copy to %2 and uses it from "
                  "then on.")
                   .arg(QDir::toNativeSeparators(m_configPath), managed);
    if (!problem.isEmpty())
        text += QLatin1Char('\n') + tr("Could not read the configured file (%1); showing the "
                                       "built-in default.")
                                        .arg(problem);
    m_form->setConfigHint(text);
}

void SettingsPanel::updateServerState()
{
    const ServerHost *host = context().host;
    m_form->setServerState(host->url().isEmpty() ? QString() : host->displayUrl(), host->dataDir());
}

void SettingsPanel::readEffective()
{
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        if (!r.ok()) {
            m_form->setAiHint(tr("Could not read the provider in use: %1").arg(r.describeError()));
            return;
        }
        const QJsonObject ai = r.json().value(QStringLiteral("ai")).toObject();
        const QString provider = ai.value(QStringLiteral("provider")).toString();
        const bool configured = ai.value(QStringLiteral("configured")).toBool(!provider.isEmpty());
        if (!configured) {
            m_form->setAiHint(tr("In use now: none — /ai answers 503 until a provider is set."));
            return;
        }
        QString text = tr("In use now: %1, model %2 at %3")
                           .arg(provider, ai.value(QStringLiteral("model")).toString(),
                                ai.value(QStringLiteral("base_url")).toString());
        if (ai.value(QStringLiteral("source")).toString() == QLatin1String("ollama-probe"))
            text += tr(" (a local Ollama found at start)");
        m_form->setAiHint(text + QLatin1Char('.'));
    });
    context().api->get(
        QStringLiteral("/__edgedesk/v1/secrets"), this, [this](const ApiResponse &r) {
            if (!r.ok())
                return;
            m_storedSecrets.clear();
            for (const QJsonValue &s : r.json().value(QStringLiteral("secrets")).toArray())
                m_storedSecrets.append(s.toObject().value(QStringLiteral("name")).toString());
            m_form->setStoredSecrets(m_storedSecrets);
        });
    updateServerState();
}

void SettingsPanel::showMessage(const QString &text, bool error)
{
    showStatus(m_message, text, error);
}

QString SettingsPanel::targetDataDir() const
{
    const QString typed = m_form->dataDir();
    if (!typed.isEmpty())
        return typed;
    if (context().settings->dataDir().isEmpty() && !context().host->dataDir().isEmpty())
        return context().host->dataDir();
    return ServerOptions::defaultDataDir();
}

QString SettingsPanel::managedConfigPath() const
{
    return ManagedConfig::managedPath(targetDataDir());
}

std::optional<ManagedConfig> SettingsPanel::patchedConfig() const
{
    if (!m_config)
        return std::nullopt;
    ManagedConfig patched = *m_config;
    patched.setAi(m_form->chosenAi());
    for (const ManagedConfig::Container &c : m_form->chosenContainers())
        patched.setContainer(c);
    return patched;
}

QString SettingsPanel::validate()
{
    SettingsInput input = m_form->input();
    input.serving = context().host->isServing();
    const std::optional<ManagedConfig> patched = patchedConfig();
    input.patched = patched ? &*patched : nullptr;
    const SettingsProblem problem = validateSettings(input);
    m_form->mark(problem);
    return problem.message;
}

bool SettingsPanel::apply()
{
    if (isApplying())
        return false;
    const QString problem = validate();
    if (!problem.isEmpty()) {
        showMessage(problem, true);
        return false;
    }
    AppSettings *settings = context().settings;
    SettingsApply::Change change;
    change.port = m_form->port();
    change.bind = m_form->bind();
    change.token = m_form->token();
    change.dataDir = m_form->dataDir();
    if (change.port != settings->port())
        change.changed << tr("port");
    if (change.bind != settings->bindAddress())
        change.changed << tr("bind address");
    if (change.token != settings->token())
        change.changed << tr("access token");
    if (change.dataDir != settings->dataDir())
        change.changed << tr("data folder");
    if (const std::optional<ManagedConfig> patched = patchedConfig()) {
        if (!(patched->ai() == m_config->ai()))
            change.changed << tr("AI provider");
        if (patched->containers() != m_config->containers())
            change.changed << tr("containers");
        if (patched->root() != m_config->root()) {
            change.config = patched;
            change.configPath = managedConfigPath();
        }
    }
    change.key = m_form->apiKey();
    change.keySecret = m_form->keySecretName();
    if (change.changed.isEmpty() && !change.config && change.key.isEmpty()) {
        showMessage(tr("Nothing to apply: these settings are already in effect."), false);
        return false;
    }
    m_applyButton->setEnabled(false);
    m_apply->apply(change);
    return true;
}

} // namespace edgedesk
