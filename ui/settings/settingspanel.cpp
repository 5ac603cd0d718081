#include "settings/settingspanel.h"

#include "apiclient.h"
#include "appsettings.h"
#include "bindings/ai/aiconfig.h"
#include "storage/secrets/secretstore.h"
#include "config/edgeconfig.h"
#include "serverhost.h"
#include "widgets/sectionheading.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScrollArea>
#include <QShortcut>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kOpenAi = QStringLiteral("openai");
const QString kWorkersAi = QStringLiteral("workers-ai");
const QString kOpenAiDefaultSecret = QStringLiteral("OPENAI_KEY");

QLabel *hintLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A scrolled form gets each row's minimum height, and a wrapped label's minimum is computed
    // for a very narrow width: a floor on the width keeps hints from leaving tall gaps.
    label->setMinimumWidth(label->fontMetrics().averageCharWidth() * 64);
    return label;
}

} // namespace

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
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("settingsScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);
    auto *columns = new QHBoxLayout(content);
    columns->setContentsMargins(0, 0, 4, 8);
    auto *column = new QVBoxLayout;
    column->setSpacing(12);
    columns->addLayout(column, 1);
    // Forms stop growing past a comfortable reading width on wide windows.
    const int maxWidth = fontMetrics().horizontalAdvance(QLatin1Char('0')) * 110;

    // --- Server
    auto *server = new QGroupBox(tr("Server"), content);
    server->setMaximumWidth(maxWidth);
    auto *serverForm = new QFormLayout(server);
    serverForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_port = new QLineEdit(server);
    m_port->setObjectName(QStringLiteral("settingsPort"));
    m_port->setMaxLength(5);
    m_port->setToolTip(tr("1–65535; empty: the command line's port or 8787. If it is busy, the "
                          "next free port is used."));
    m_bind = new QLineEdit(server);
    m_bind->setObjectName(QStringLiteral("settingsBind"));
    m_bind->setPlaceholderText(QStringLiteral("127.0.0.1"));
    m_bind->setToolTip(tr("127.0.0.1: this machine only. 0.0.0.0: every network interface "
                          "(needs an access token)."));
    auto *tokenRow = new QHBoxLayout;
    m_token = new QLineEdit(server);
    m_token->setObjectName(QStringLiteral("settingsToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("none (only allowed on 127.0.0.1)"));
    m_showToken = new QToolButton(server);
    m_showToken->setObjectName(QStringLiteral("settingsShowToken"));
    m_showToken->setText(tr("Show"));
    m_showToken->setCheckable(true);
    m_generateToken = new QPushButton(tr("Generate"), server);
    m_generateToken->setObjectName(QStringLiteral("settingsGenerateToken"));
    m_generateToken->setToolTip(tr("A random 32-character token"));
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(m_showToken);
    tokenRow->addWidget(m_generateToken);
    auto *dataRow = new QHBoxLayout;
    m_dataDir = new QLineEdit(server);
    m_dataDir->setObjectName(QStringLiteral("settingsDataDir"));
    m_chooseDataDir = new QPushButton(tr("Choose…"), server);
    m_chooseDataDir->setObjectName(QStringLiteral("settingsChooseDataDir"));
    m_openDataDir =
        new QPushButton(themedIcon(QStringLiteral("open-external")), tr("Open folder"), server);
    m_openDataDir->setObjectName(QStringLiteral("settingsOpenDataDir"));
    m_openDataDir->setToolTip(tr("Show the data folder in the file manager"));
    dataRow->addWidget(m_dataDir, 1);
    dataRow->addWidget(m_chooseDataDir);
    dataRow->addWidget(m_openDataDir);
    m_dataDirHint = hintLabel(server);
    m_dataDirHint->setObjectName(QStringLiteral("settingsDataDirHint"));
    m_configHint = hintLabel(server);
    m_configHint->setObjectName(QStringLiteral("settingsConfigHint"));
    m_serverHint = hintLabel(server);
    m_serverHint->setObjectName(QStringLiteral("settingsServerHint"));
    serverForm->addRow(tr("Port"), m_port);
    serverForm->addRow(tr("Bind address"), m_bind);
    serverForm->addRow(tr("Access token"), tokenRow);
    serverForm->addRow(QString(), m_serverHint);
    serverForm->addRow(tr("Data folder"), dataRow);
    serverForm->addRow(QString(), m_dataDirHint);
    serverForm->addRow(tr("Configuration"), m_configHint);
    column->addWidget(server);

    // --- AI provider
    auto *ai = new QGroupBox(tr("AI provider"), content);
    ai->setMaximumWidth(maxWidth);
    m_aiForm = new QFormLayout(ai);
    m_aiForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_provider = new QComboBox(ai);
    m_provider->setObjectName(QStringLiteral("settingsAiProvider"));
    m_provider->addItem(tr("None — /ai answers 503 (a local Ollama is still looked for at start)"),
                        QString());
    m_provider->addItem(tr("OpenAI-compatible — Ollama, llama.cpp server, vLLM, OpenAI"), kOpenAi);
    m_provider->addItem(tr("Workers AI — Cloudflare's REST API"), kWorkersAi);
    m_baseUrl = new QLineEdit(ai);
    m_baseUrl->setObjectName(QStringLiteral("settingsAiBaseUrl"));
    m_model = new QLineEdit(ai);
    m_model->setObjectName(QStringLiteral("settingsAiModel"));
    m_account = new QLineEdit(ai);
    m_account->setObjectName(QStringLiteral("settingsAiAccount"));
    m_account->setPlaceholderText(tr("your Cloudflare account id"));
    m_secretName = new QLineEdit(ai);
    m_secretName->setObjectName(QStringLiteral("settingsAiSecretName"));
    m_apiKey = new QLineEdit(ai);
    m_apiKey->setObjectName(QStringLiteral("settingsAiKey"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_aiHint = hintLabel(ai);
    m_aiHint->setObjectName(QStringLiteral("settingsAiHint"));
    m_aiForm->addRow(tr("Provider"), m_provider);
    m_aiForm->addRow(tr("Base URL"), m_baseUrl);
    m_aiForm->addRow(tr("Model"), m_model);
    m_aiForm->addRow(tr("Account ID"), m_account);
    m_aiForm->addRow(tr("Key secret name"), m_secretName);
    m_aiForm->addRow(tr("API key"), m_apiKey);
    m_aiForm->addRow(QString(), m_aiHint);
    column->addWidget(ai);

    // --- Containers
    auto *containers = new QGroupBox(tr("Containers"), content);
    containers->setMaximumWidth(maxWidth);
    m_containerForm = new QFormLayout(containers);
    m_containerForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    column->addWidget(containers);

    // --- Window
    auto *window = new QGroupBox(tr("Window"), content);
    window->setMaximumWidth(maxWidth);
    auto *windowLayout = new QVBoxLayout(window);
    m_tray = new QCheckBox(tr("Keep serving in the tray when the window closes"), window);
    m_tray->setObjectName(QStringLiteral("settingsTray"));
    m_tray->setToolTip(tr("Takes effect at once; quit from the tray icon's menu"));
    windowLayout->addWidget(m_tray);
    column->addWidget(window);
    column->addStretch(1);
    columns->addStretch(0);

    // --- Footer, outside the scroll area so Apply is always visible.
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
    m_apply = new QPushButton(tr("Apply and restart"), this);
    m_apply->setObjectName(QStringLiteral("settingsApply"));
    m_apply->setDefault(true);
    m_apply->setToolTip(tr("Save the settings and restart the server with them (Ctrl+S)"));
    footer->addWidget(m_message, 1);
    footer->addWidget(m_revert);
    footer->addWidget(m_apply);
    outer->addLayout(footer);

    auto edited = [this] { m_dirty = true; };
    for (QLineEdit *e : {m_port, m_bind, m_token, m_dataDir, m_baseUrl, m_model, m_account,
                         m_secretName, m_apiKey}) {
        connect(e, &QLineEdit::textEdited, this, edited);
        connect(e, &QLineEdit::textChanged, this, [this, e] { markInvalid(e, false); });
    }
    connect(m_provider, &QComboBox::activated, this, edited);
    connect(m_provider, &QComboBox::currentIndexChanged, this,
            &SettingsPanel::updateProviderFields);
    connect(m_bind, &QLineEdit::textChanged, this, &SettingsPanel::updateHints);
    connect(m_token, &QLineEdit::textChanged, this, &SettingsPanel::updateHints);
    connect(m_secretName, &QLineEdit::textChanged, this, &SettingsPanel::updateProviderFields);
    connect(m_showToken, &QToolButton::toggled, this, [this](bool on) {
        m_token->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
        m_showToken->setText(on ? tr("Hide") : tr("Show"));
    });
    connect(m_generateToken, &QPushButton::clicked, this, [this] {
        // 24 random bytes, base64url: 32 characters, no padding, safe in a header.
        QByteArray bytes(24, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                              bytes.size() / 4);
        m_token->setText(QString::fromLatin1(
            bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
        m_showToken->setChecked(true);
        m_dirty = true;
    });
    connect(m_chooseDataDir, &QPushButton::clicked, this, [this] {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Choose the data folder"), targetDataDir());
        if (!dir.isEmpty()) {
            m_dataDir->setText(QDir::toNativeSeparators(dir));
            m_dirty = true;
        }
    });
    connect(m_openDataDir, &QPushButton::clicked, this, [this] {
        const QString dir = this->context().host->dataDir().isEmpty()
                                ? targetDataDir()
                                : this->context().host->dataDir();
        QDir().mkpath(dir);
        if (!QDesktopServices::openUrl(QUrl::fromLocalFile(dir)))
            showMessage(tr("Could not open %1 in a file manager.").arg(dir), true);
    });
    connect(m_tray, &QCheckBox::toggled, this, [this](bool on) {
        this->context().settings->setKeepServingInTray(on);
        this->context().settings->sync();
    });
    connect(m_apply, &QPushButton::clicked, this, &SettingsPanel::apply);
    connect(m_revert, &QPushButton::clicked, this, [this] {
        revert();
        showMessage(tr("Reverted to the settings in effect."), false);
    });
    auto *save = new QShortcut(QKeySequence::Save, this);
    save->setContext(Qt::WidgetWithChildrenShortcut);
    connect(save, &QShortcut::activated, this, &SettingsPanel::apply);

    connect(this->context().host, &ServerHost::failed, this, [this](const QString &message) {
        if (!m_applying)
            return;
        m_applying = false;
        m_apply->setEnabled(true);
        showMessage(tr("The server did not start with these settings: %1. Change them and apply "
                       "again.")
                        .arg(message),
                    true);
    });

    revert();
}

void SettingsPanel::activated()
{
    // Secrets may have been stored elsewhere (the Secrets section, curl) since the last look.
    if (context().host->isServing() && !m_applying)
        readEffective();
}

void SettingsPanel::serverReady()
{
    const bool wasApplying = m_applying;
    if (m_applying) {
        m_applying = false;
        m_apply->setEnabled(true);
        const QString url = context().host->displayUrl();
        if (!m_pendingSecretName.isEmpty()) {
            const QString name = m_pendingSecretName;
            putSecretThen(name, m_pendingSecretValue, [this, name, url](bool ok) {
                if (ok)
                    showMessage(tr("Applied: the server restarted on %1 and the key is stored "
                                   "as %2.")
                                    .arg(url, name),
                                false);
            });
            m_pendingSecretName.clear();
            m_pendingSecretValue.clear();
        } else {
            showMessage(tr("Applied: the server restarted and serves on %1.").arg(url), false);
        }
    }
    if (wasApplying || !m_dirty)
        revert();
    readEffective();
}

void SettingsPanel::revert()
{
    AppSettings *settings = context().settings;
    const ServerOptions &options = context().host->options();
    m_port->setText(settings->port() > 0 ? QString::number(settings->port()) : QString());
    m_port->setPlaceholderText(options.port > 0 ? tr("%1 (default)").arg(options.port)
                                                : tr("8787 (default)"));
    m_bind->setText(settings->bindAddress());
    m_token->setText(settings->token());
    m_dataDir->setText(settings->dataDir());
    m_dataDir->setPlaceholderText(context().host->dataDir().isEmpty()
                                      ? tr("default: %1").arg(ServerOptions::defaultDataDir())
                                      : tr("default: %1").arg(context().host->dataDir()));
    {
        QSignalBlocker block(m_tray);
        m_tray->setChecked(settings->keepServingInTray());
    }

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
    const QString managed = QDir::toNativeSeparators(managedConfigPath());
    QString configText;
    if (m_configPath.isEmpty())
        configText = tr("The built-in default. Applying AI or container changes writes %1 and "
                        "uses it from then on.")
                         .arg(managed);
    else if (QFileInfo(m_configPath) == QFileInfo(managedConfigPath()))
        configText = tr("%1 — EdgeDesk's own copy, rewritten by Apply.").arg(managed);
    else
        configText = tr("%1. Applying AI or container changes writes a copy to %2 and uses it "
                        "from then on.")
                         .arg(QDir::toNativeSeparators(m_configPath), managed);
    if (!configProblem.isEmpty())
        configText += QLatin1Char('\n') + tr("Could not read the configured file (%1); showing "
                                             "the built-in default.")
                                              .arg(configProblem);
    m_configHint->setText(configText);

    const ManagedConfig::Ai ai = m_config ? m_config->ai() : ManagedConfig::Ai{};
    {
        QSignalBlocker block(m_provider);
        const int index = m_provider->findData(ai.provider);
        m_provider->setCurrentIndex(index < 0 ? 0 : index);
    }
    m_baseUrl->setText(ai.baseUrl);
    m_model->setText(ai.model);
    m_account->setText(ai.accountId);
    m_secretName->setText(ai.apiKeySecret);
    m_apiKey->clear();
    buildContainerRows();
    updateProviderFields();
    updateHints();
    m_dirty = false;
}

void SettingsPanel::buildContainerRows()
{
    while (m_containerForm->rowCount() > 0)
        m_containerForm->removeRow(0);
    m_containerRows.clear();
    QWidget *parent = m_containerForm->parentWidget();
    const QList<ManagedConfig::Container> containers =
        m_config ? m_config->containers() : QList<ManagedConfig::Container>{};
    if (containers.isEmpty()) {
        auto *none = hintLabel(parent);
        none->setText(tr("No container classes in this configuration."));
        m_containerForm->addRow(none);
        return;
    }
    for (const ManagedConfig::Container &c : containers) {
        ContainerRow row;
        row.original = c;
        auto *fields = new QHBoxLayout;
        row.sleepAfter = new QLineEdit(c.sleepAfter, parent);
        row.sleepAfter->setObjectName(QStringLiteral("settingsSleepAfter_") + c.className);
        row.sleepAfter->setPlaceholderText(QStringLiteral("10m"));
        row.sleepAfter->setToolTip(tr("Stop an instance after this long without requests: "
                                      "30s, 10m, 1h"));
        row.sleepAfter->setMaximumWidth(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 12);
        connect(row.sleepAfter, &QLineEdit::textEdited, this, [this] { m_dirty = true; });
        connect(row.sleepAfter, &QLineEdit::textChanged, this,
                [this, e = row.sleepAfter] { markInvalid(e, false); });
        fields->addWidget(new QLabel(tr("Sleep after"), parent));
        fields->addWidget(row.sleepAfter);
        if (c.runsCommands) {
            row.network = new QComboBox(parent);
            row.network->setObjectName(QStringLiteral("settingsNetwork_") + c.className);
            row.network->addItem(tr("No network for commands"), QStringLiteral("none"));
            row.network->addItem(tr("Commands share the host network"), QStringLiteral("host"));
            row.network->setCurrentIndex(c.commandNetwork == QLatin1String("host") ? 1 : 0);
            row.network->setToolTip(
                tr("The sandbox of /run: \"none\" gives each command an empty network "
                   "namespace; \"host\" lets commands reach the network (curl, ping)."));
            connect(row.network, &QComboBox::activated, this, [this] { m_dirty = true; });
            fields->addSpacing(12);
            fields->addWidget(row.network);
        }
        fields->addStretch(1);
        const QString label =
            c.binding.isEmpty() ? c.className : tr("%1 (%2)").arg(c.binding, c.className);
        m_containerForm->addRow(label, fields);
        m_containerRows.append(row);
    }
}

void SettingsPanel::updateProviderFields()
{
    const QString provider = m_provider->currentData().toString();
    const bool any = !provider.isEmpty();
    const bool workers = provider == kWorkersAi;
    m_aiForm->setRowVisible(m_baseUrl, any);
    m_aiForm->setRowVisible(m_model, any);
    m_aiForm->setRowVisible(m_account, workers);
    m_aiForm->setRowVisible(m_secretName, any);
    m_aiForm->setRowVisible(m_apiKey, any);
    if (workers) {
        m_baseUrl->setPlaceholderText(QString::fromLatin1(kWorkersAiDefaultBaseUrl));
        m_model->setPlaceholderText(QString::fromLatin1(kWorkersAiDefaultModel));
        m_secretName->setPlaceholderText(QString::fromLatin1(kWorkersAiDefaultSecret));
    } else {
        m_baseUrl->setPlaceholderText(
            tr("http://127.0.0.1:11434/v1 for Ollama; empty: %1").arg(kOpenAiDefaultBaseUrl));
        m_model->setPlaceholderText(tr("e.g. llama3.2"));
        m_secretName->setPlaceholderText(
            tr("%1 (only when a key is set)").arg(kOpenAiDefaultSecret));
    }
    const QString name = keySecretName();
    const bool stored = m_storedSecrets.contains(name);
    m_apiKey->setPlaceholderText(
        stored
            ? tr("%1 is stored — leave empty to keep it").arg(name)
            : (workers
                   ? tr("required: stored encrypted as %1").arg(name)
                   : tr("optional (a local server needs none): stored encrypted as %1").arg(name)));
}

void SettingsPanel::updateHints()
{
    QHostAddress address;
    const QString bind = m_bind->text().trimmed();
    const bool parsed = bind.isEmpty() || address.setAddress(bind);
    const bool exposed = parsed && !bind.isEmpty() && !address.isLoopback();
    QString hint;
    if (exposed)
        hint = m_token->text().isEmpty()
                   ? tr("Binding to %1 lets other machines connect: set an access token. Clients "
                        "then send \"Authorization: Bearer <token>\" for /run and the control "
                        "API.")
                         .arg(bind)
                   : tr("Other machines can connect; /run and the control API need the token.");
    else
        hint = tr("Only this machine can connect.");
    const QUrl url = context().host->url();
    if (!url.isEmpty())
        hint +=
            QLatin1Char(' ') + tr("Serving now on %1.").arg(ServerHost::displayUrl(url));
    m_serverHint->setText(hint);
    const QString inUse = context().host->dataDir();
    m_dataDirHint->setText(inUse.isEmpty()
                               ? tr("KV, bucket objects, secrets, durable storage and logs live "
                                    "here.")
                               : tr("In use: %1 — KV, bucket objects, secrets, durable storage "
                                    "and logs live here.")
                                     .arg(QDir::toNativeSeparators(inUse)));
}

void SettingsPanel::readEffective()
{
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        if (!r.ok()) {
            m_aiHint->setText(tr("Could not read the provider in use: %1").arg(r.describeError()));
            return;
        }
        const QJsonObject ai = r.json().value(QStringLiteral("ai")).toObject();
        const QString provider = ai.value(QStringLiteral("provider")).toString();
        const bool configured = ai.value(QStringLiteral("configured")).toBool(!provider.isEmpty());
        if (!configured) {
            m_aiHint->setText(tr("In use now: none — /ai answers 503 until a provider is set."));
            return;
        }
        QString text = tr("In use now: %1, model %2 at %3")
                           .arg(provider, ai.value(QStringLiteral("model")).toString(),
                                ai.value(QStringLiteral("base_url")).toString());
        if (ai.value(QStringLiteral("source")).toString() == QLatin1String("ollama-probe"))
            text += tr(" (a local Ollama found at start)");
        m_aiHint->setText(text + QLatin1Char('.'));
    });
    context().api->get(
        QStringLiteral("/__edgedesk/v1/secrets"), this, [this](const ApiResponse &r) {
            if (!r.ok())
                return;
            m_storedSecrets.clear();
            for (const QJsonValue &s : r.json().value(QStringLiteral("secrets")).toArray())
                m_storedSecrets.append(s.toObject().value(QStringLiteral("name")).toString());
            updateProviderFields();
        });
    updateHints();
}

void SettingsPanel::markInvalid(QWidget *field, bool invalid)
{
    if (field->property("invalid").toBool() == invalid)
        return;
    field->setProperty("invalid", invalid);
    field->setStyleSheet(invalid ? QStringLiteral("border: 1px solid #d64545; border-radius: 3px; "
                                                  "padding: 2px;")
                                 : QString());
}

void SettingsPanel::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setProperty("error", error);
    m_message->setStyleSheet(error ? QStringLiteral("color: #d64545;") : QString());
}

QString SettingsPanel::targetDataDir() const
{
    const QString typed = m_dataDir->text().trimmed();
    if (!typed.isEmpty())
        return QDir::cleanPath(typed);
    if (context().settings->dataDir().isEmpty() && !context().host->dataDir().isEmpty())
        return context().host->dataDir();
    return ServerOptions::defaultDataDir();
}

QString SettingsPanel::managedConfigPath() const
{
    return ManagedConfig::managedPath(targetDataDir());
}

QString SettingsPanel::keySecretName() const
{
    const QString typed = m_secretName->text().trimmed();
    if (!typed.isEmpty())
        return typed;
    return m_provider->currentData().toString() == kWorkersAi
               ? QString::fromLatin1(kWorkersAiDefaultSecret)
               : kOpenAiDefaultSecret;
}

ManagedConfig::Ai SettingsPanel::chosenAi() const
{
    ManagedConfig::Ai ai;
    ai.provider = m_provider->currentData().toString();
    if (ai.provider.isEmpty())
        return ai;
    ai.baseUrl = m_baseUrl->text().trimmed();
    ai.model = m_model->text().trimmed();
    if (ai.provider == kWorkersAi)
        ai.accountId = m_account->text().trimmed();
    ai.apiKeySecret = m_secretName->text().trimmed();
    // An OpenAI-compatible server gets an Authorization header only when a key exists.
    if (ai.provider == kOpenAi && ai.apiKeySecret.isEmpty() && !m_apiKey->text().isEmpty())
        ai.apiKeySecret = kOpenAiDefaultSecret;
    return ai;
}

QString SettingsPanel::validate()
{
    for (QWidget *w : {static_cast<QWidget *>(m_port), static_cast<QWidget *>(m_bind),
                       static_cast<QWidget *>(m_token), static_cast<QWidget *>(m_dataDir),
                       static_cast<QWidget *>(m_baseUrl), static_cast<QWidget *>(m_model),
                       static_cast<QWidget *>(m_account), static_cast<QWidget *>(m_secretName)})
        markInvalid(w, false);
    auto fail = [this](QWidget *field, const QString &message) {
        if (field) {
            markInvalid(field, true);
            field->setFocus();
        }
        return message;
    };

    const QString port = m_port->text().trimmed();
    if (!port.isEmpty()) {
        bool ok = false;
        const int value = port.toInt(&ok);
        if (!ok || value < 1 || value > 65535)
            return fail(m_port, tr("The port must be a whole number from 1 to 65535 (or empty for "
                                   "the default), not \"%1\".")
                                    .arg(port));
    }
    const QString bind = m_bind->text().trimmed();
    QHostAddress address(QHostAddress::LocalHost);
    // QHostAddress also takes inet_aton's shorthands ("1.2.3" is 1.2.0.3): only full dotted
    // quads and IPv6 addresses are meant here.
    static const QRegularExpression dottedQuad(
        QStringLiteral("^(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}$"));
    const bool wellFormed = bind.contains(QLatin1Char(':')) || dottedQuad.match(bind).hasMatch();
    if (!bind.isEmpty() && (!wellFormed || !address.setAddress(bind)))
        return fail(m_bind, tr("\"%1\" is not an IP address. Use 127.0.0.1 (this machine only), "
                               "0.0.0.0 (every network interface) or one of this machine's "
                               "addresses.")
                                .arg(bind));
    const QString token = m_token->text();
    if (!token.isEmpty()) {
        if (token.size() < 16)
            return fail(m_token, tr("The access token must be at least 16 characters long "
                                    "(Generate makes a strong one)."));
        static const QRegularExpression printable(QStringLiteral("^[\\x21-\\x7e]+$"));
        if (!printable.match(token).hasMatch())
            return fail(m_token, tr("The access token may only contain visible ASCII characters "
                                    "(no spaces)."));
    }
    if (!address.isLoopback() && token.isEmpty())
        return fail(m_token, tr("Binding to %1 would let anyone on the network run commands "
                                "through /run: set an access token first (Generate makes one).")
                                 .arg(bind));
    const QString dataDir = m_dataDir->text().trimmed();
    if (!dataDir.isEmpty()) {
        if (QDir::isRelativePath(dataDir))
            return fail(m_dataDir,
                        tr("The data folder must be an absolute path, e.g. %1.")
                            .arg(QDir::toNativeSeparators(ServerOptions::defaultDataDir())));
        const QFileInfo info(dataDir);
        if (info.exists() && !info.isDir())
            return fail(m_dataDir, tr("%1 is a file, not a folder.").arg(dataDir));
    }

    const QString provider = m_provider->currentData().toString();
    if (!provider.isEmpty()) {
        const QString baseUrl = m_baseUrl->text().trimmed();
        if (!baseUrl.isEmpty()) {
            const QUrl url(baseUrl, QUrl::StrictMode);
            if (!url.isValid() ||
                (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
                url.host().isEmpty() || url.hasQuery() || !url.userInfo().isEmpty())
                return fail(m_baseUrl,
                            tr("The base URL must start with http:// or https:// and name a host, "
                               "without a query or credentials — e.g. "
                               "http://127.0.0.1:11434/v1 for Ollama."));
        }
        const QString model = m_model->text().trimmed();
        if (provider == kOpenAi && model.isEmpty())
            return fail(m_model, tr("Enter the model to use, e.g. llama3.2 for Ollama or "
                                    "gpt-4o-mini for OpenAI."));
        if (!model.isEmpty() && !isValidAiModelName(model))
            return fail(m_model, tr("\"%1\" is not a valid model name (letters, digits and "
                                    "@ . _ : / - only).")
                                     .arg(model));
        if (provider == kWorkersAi) {
            static const QRegularExpression id(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
            const QString account = m_account->text().trimmed();
            if (account.isEmpty())
                return fail(m_account,
                            tr("Workers AI needs your Cloudflare account id (the Workers "
                               "& Pages overview shows it)."));
            if (!id.match(account).hasMatch())
                return fail(m_account, tr("The account id may only contain letters, digits, '_' "
                                          "and '-'."));
        }
        if (auto valid = SecretStore::validateName(keySecretName()); !valid)
            return fail(m_secretName, valid.error().message);
        if (provider == kWorkersAi && m_apiKey->text().isEmpty() &&
            !m_storedSecrets.contains(keySecretName()) && context().host->isServing())
            return fail(m_apiKey, tr("Workers AI needs an API token: enter it here; it is stored "
                                     "encrypted as %1.")
                                      .arg(keySecretName()));
    }

    for (const ContainerRow &row : std::as_const(m_containerRows)) {
        const QString text = row.sleepAfter->text().trimmed();
        bool isNumber = false;
        const double seconds = text.toDouble(&isNumber);
        const auto parsed =
            ConfigLoader::parseDuration(isNumber ? QJsonValue(seconds) : QJsonValue(text));
        if (text.isEmpty() || !parsed)
            return fail(
                row.sleepAfter,
                tr("%1: \"sleep after\" must be a duration such as 30s, "
                   "10m or 1h%2")
                    .arg(row.original.className,
                         parsed ? QString() : QStringLiteral(" (%1)").arg(parsed.error().message)));
    }

    if (m_config) {
        ManagedConfig patched = *m_config;
        patched.setAi(chosenAi());
        for (const ContainerRow &row : std::as_const(m_containerRows)) {
            ManagedConfig::Container c = row.original;
            c.sleepAfter = row.sleepAfter->text().trimmed();
            if (row.network)
                c.commandNetwork = row.network->currentData().toString();
            patched.setContainer(c);
        }
        if (auto valid = patched.validate(); !valid)
            return fail(nullptr,
                        tr("The configuration would not load: %1").arg(valid.error().message));
    }
    return {};
}

bool SettingsPanel::apply()
{
    if (m_applying)
        return false;
    const QString problem = validate();
    if (!problem.isEmpty()) {
        showMessage(problem, true);
        return false;
    }
    AppSettings *settings = context().settings;
    const int port = m_port->text().trimmed().toInt();
    const QString bind = m_bind->text().trimmed();
    const QString token = m_token->text();
    const QString dataDir = m_dataDir->text().trimmed().isEmpty()
                                ? QString()
                                : QDir::cleanPath(m_dataDir->text().trimmed());

    QStringList changes;
    if (port != settings->port())
        changes << tr("port");
    if (bind != settings->bindAddress())
        changes << tr("bind address");
    if (token != settings->token())
        changes << tr("access token");
    const bool dataDirChanged = dataDir != settings->dataDir();
    if (dataDirChanged)
        changes << tr("data folder");

    std::optional<ManagedConfig> patched;
    if (m_config) {
        patched = *m_config;
        patched->setAi(chosenAi());
        for (const ContainerRow &row : std::as_const(m_containerRows)) {
            ManagedConfig::Container c = row.original;
            c.sleepAfter = row.sleepAfter->text().trimmed();
            if (row.network)
                c.commandNetwork = row.network->currentData().toString();
            patched->setContainer(c);
        }
        if (!(patched->ai() == m_config->ai()))
            changes << tr("AI provider");
        if (patched->containers() != m_config->containers())
            changes << tr("containers");
    }
    const bool configChanged = patched && patched->root() != m_config->root();
    const QByteArray key = m_apiKey->text().toUtf8();
    const QString secretName = keySecretName();
    if (changes.isEmpty() && !configChanged && key.isEmpty()) {
        showMessage(tr("Nothing to apply: these settings are already in effect."), false);
        return false;
    }

    m_applying = true;
    m_apply->setEnabled(false);
    auto commit = [this, settings, port, bind, token, dataDir, patched, configChanged, changes, key,
                   secretName, dataDirChanged] {
        if (configChanged) {
            const QString path = managedConfigPath();
            if (auto saved = patched->save(path); !saved) {
                m_applying = false;
                m_apply->setEnabled(true);
                showMessage(tr("Could not write the configuration: %1").arg(saved.error().message),
                            true);
                return;
            }
            settings->setConfigPath(path);
        }
        settings->setPort(port);
        settings->setBindAddress(bind);
        settings->setToken(token);
        settings->setDataDir(dataDir);
        settings->sync();
        m_apiKey->clear();
        if (!key.isEmpty() && dataDirChanged) {
            // The key belongs in the new folder's store, which exists once the server serves.
            m_pendingSecretName = secretName;
            m_pendingSecretValue = key;
        }
        if (changes.isEmpty() && !configChanged) {
            m_applying = false;
            m_apply->setEnabled(true);
            m_dirty = false;
            showMessage(tr("Stored the API key as %1. No restart needed.").arg(secretName), false);
            readEffective();
            return;
        }
        showMessage(
            tr("Restarting the server to apply: %1…")
                .arg(changes.isEmpty() ? tr("configuration") : changes.join(QStringLiteral(", "))),
            false);
        restartServer();
    };

    if (!key.isEmpty() && !dataDirChanged) {
        showMessage(tr("Storing the API key as %1…").arg(secretName), false);
        putSecretThen(secretName, key, [this, commit](bool ok) {
            if (!ok) {
                m_applying = false;
                m_apply->setEnabled(true);
                return;
            }
            commit();
        });
    } else {
        commit();
    }
    return true;
}

void SettingsPanel::restartServer()
{
    ServerHost *host = context().host;
    const auto state = host->state();
    if (state != ServerHost::State::Serving && state != ServerHost::State::Starting &&
        state != ServerHost::State::Stopping) {
        context().restartServer();
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
        context().restartServer();
    };
    connect(host, &ServerHost::stopped, this, start, Qt::SingleShotConnection);
    connect(host, &ServerHost::failed, this, start, Qt::SingleShotConnection);
    host->stop();
}

void SettingsPanel::putSecretThen(const QString &name, const QByteArray &value,
                                  std::function<void(bool ok)> then)
{
    context().api->call(
        "PUT",
        QStringLiteral("/__edgedesk/v1/secrets/%1")
            .arg(QString::fromUtf8(QUrl::toPercentEncoding(name))),
        value, {{"Content-Type", "application/octet-stream"}}, this,
        [this, name, then](const ApiResponse &r) {
            if (!r.ok()) {
                showMessage(tr("Could not store the API key as %1: %2. Nothing was changed.")
                                .arg(name, r.describeError()),
                            true);
                then(false);
                return;
            }
            if (!m_storedSecrets.contains(name))
                m_storedSecrets.append(name);
            then(true);
        });
}

} // namespace edgedesk
