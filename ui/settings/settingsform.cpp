#include "settings/settingsform.h"

#include "configrules.h"
#include "panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QToolButton>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kOpenAi = QStringLiteral("openai");
const QString kWorkersAi = QStringLiteral("workers-ai");

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

QLineEdit *field(const char *name, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(QLatin1String(name));
    return edit;
}

} // namespace

SettingsForm::SettingsForm(QWidget *parent) : QScrollArea(parent)
{
    setObjectName(QStringLiteral("settingsScroll"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(this);
    setWidget(content);
    auto *columns = new QHBoxLayout(content);
    columns->setContentsMargins(0, 0, 4, 8);
    auto *column = new QVBoxLayout;
    column->setSpacing(12);
    columns->addLayout(column, 1);
    // Forms stop growing past a comfortable reading width on wide windows.
    const int maxWidth = fontMetrics().horizontalAdvance(QLatin1Char('0')) * 110;

    column->addWidget(buildServer(content));
    column->addWidget(buildAi(content));
    auto *containers = new QGroupBox(tr("Containers"), content);
    m_containerForm = new QFormLayout(containers);
    m_containerForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    column->addWidget(containers);
    auto *window = new QGroupBox(tr("Window"), content);
    auto *windowLayout = new QVBoxLayout(window);
    m_tray = new QCheckBox(tr("Keep serving in the tray when the window closes"), window);
    m_tray->setObjectName(QStringLiteral("settingsTray"));
    m_tray->setToolTip(tr("Takes effect at once; quit from the tray icon's menu"));
    windowLayout->addWidget(m_tray);
    auto *themeRow = new QHBoxLayout;
    m_theme = new QComboBox(window);
    m_theme->setObjectName(QStringLiteral("settingsTheme"));
    m_theme->addItem(tr("System"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setToolTip(tr("Takes effect at once"));
    auto *themeLabel = new QLabel(tr("&Theme"), window);
    themeLabel->setBuddy(m_theme);
    themeRow->addWidget(themeLabel);
    themeRow->addWidget(m_theme);
    themeRow->addStretch(1);
    windowLayout->addLayout(themeRow);
    column->addWidget(window);
    column->addStretch(1);
    columns->addStretch(0);
    for (QGroupBox *group : content->findChildren<QGroupBox *>())
        group->setMaximumWidth(maxWidth);

    for (QLineEdit *e : {m_port, m_bind, m_token, m_dataDir, m_baseUrl, m_model, m_account,
                         m_secretName, m_apiKey}) {
        connect(e, &QLineEdit::textEdited, this, &SettingsForm::edited);
        connect(e, &QLineEdit::textChanged, this, [e] { markInvalid(e, false); });
    }
    connect(m_provider, &QComboBox::activated, this, &SettingsForm::edited);
    connect(m_provider, &QComboBox::currentIndexChanged, this, &SettingsForm::updateProviderFields);
    connect(m_bind, &QLineEdit::textChanged, this, &SettingsForm::updateHints);
    connect(m_token, &QLineEdit::textChanged, this, &SettingsForm::updateHints);
    connect(m_secretName, &QLineEdit::textChanged, this, &SettingsForm::updateProviderFields);
    connect(m_tray, &QCheckBox::toggled, this, &SettingsForm::trayToggled);
    connect(m_theme, &QComboBox::activated, this,
            [this] { Q_EMIT themeChosen(m_theme->currentData().toString()); });
}

QWidget *SettingsForm::buildServer(QWidget *parent)
{
    auto *server = new QGroupBox(tr("Server"), parent);
    auto *form = new QFormLayout(server);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_port = field("settingsPort", server);
    m_port->setMaxLength(5);
    m_port->setToolTip(tr("1–65535; empty: the command line's port or 8787. If it is busy, the "
                          "next free port is used."));
    m_bind = field("settingsBind", server);
    m_bind->setPlaceholderText(QStringLiteral("127.0.0.1"));
    m_bind->setToolTip(tr("127.0.0.1: this machine only. 0.0.0.0: every network interface "
                          "(needs an access token)."));
    auto *tokenRow = new QHBoxLayout;
    m_token = field("settingsToken", server);
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
    m_dataDir = field("settingsDataDir", server);
    auto *chooseDataDir = new QPushButton(tr("Choose…"), server);
    chooseDataDir->setObjectName(QStringLiteral("settingsChooseDataDir"));
    auto *openDataDir = new QPushButton(Panel::themedIcon(QStringLiteral("open-external")),
                                        tr("Open folder"), server);
    openDataDir->setObjectName(QStringLiteral("settingsOpenDataDir"));
    openDataDir->setToolTip(tr("Show the data folder in the file manager"));
    dataRow->addWidget(m_dataDir, 1);
    dataRow->addWidget(chooseDataDir);
    dataRow->addWidget(openDataDir);
    m_dataDirHint = hintLabel(server);
    m_dataDirHint->setObjectName(QStringLiteral("settingsDataDirHint"));
    m_configHint = hintLabel(server);
    m_configHint->setObjectName(QStringLiteral("settingsConfigHint"));
    m_serverHint = hintLabel(server);
    m_serverHint->setObjectName(QStringLiteral("settingsServerHint"));
    form->addRow(tr("Port"), m_port);
    form->addRow(tr("Bind address"), m_bind);
    form->addRow(tr("Access token"), tokenRow);
    form->addRow(QString(), m_serverHint);
    form->addRow(tr("Data folder"), dataRow);
    form->addRow(QString(), m_dataDirHint);
    form->addRow(tr("Configuration"), m_configHint);

    connect(m_showToken, &QToolButton::toggled, this, [this](bool on) {
        m_token->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
        m_showToken->setText(on ? tr("Hide") : tr("Show"));
    });
    // Nothing to show or hide in an empty field: the toggle rests, unpressed.
    auto syncShowToken = [this] {
        const bool empty = m_token->text().isEmpty();
        if (empty)
            m_showToken->setChecked(false);
        m_showToken->setEnabled(!empty);
    };
    connect(m_token, &QLineEdit::textChanged, this, syncShowToken);
    syncShowToken();
    connect(m_generateToken, &QPushButton::clicked, this, [this] {
        // 24 random bytes, base64url: 32 characters, no padding, safe in a header.
        QByteArray bytes(24, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                              bytes.size() / 4);
        m_token->setText(QString::fromLatin1(
            bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
        m_showToken->setChecked(true);
        Q_EMIT edited();
    });
    connect(chooseDataDir, &QPushButton::clicked, this, &SettingsForm::chooseDataDirRequested);
    connect(openDataDir, &QPushButton::clicked, this, &SettingsForm::openDataDirRequested);
    return server;
}

QWidget *SettingsForm::buildAi(QWidget *parent)
{
    auto *ai = new QGroupBox(tr("AI provider"), parent);
    m_aiForm = new QFormLayout(ai);
    m_aiForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_provider = new QComboBox(ai);
    m_provider->setObjectName(QStringLiteral("settingsAiProvider"));
    m_provider->addItem(tr("None — /ai answers 503 (a local Ollama is still looked for at start)"),
                        QString());
    m_provider->addItem(tr("OpenAI-compatible — Ollama, llama.cpp server, vLLM, OpenAI"), kOpenAi);
    m_provider->addItem(tr("Workers AI — Cloudflare's REST API"), kWorkersAi);
    m_baseUrl = field("settingsAiBaseUrl", ai);
    m_model = field("settingsAiModel", ai);
    m_account = field("settingsAiAccount", ai);
    m_account->setPlaceholderText(tr("your Cloudflare account id"));
    m_secretName = field("settingsAiSecretName", ai);
    m_apiKey = field("settingsAiKey", ai);
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
    return ai;
}

void SettingsForm::setServer(int port, const QString &bind, const QString &token,
                             const QString &dataDir, const Defaults &defaults)
{
    m_port->setText(port > 0 ? QString::number(port) : QString());
    m_port->setPlaceholderText(tr("%1 (default)").arg(defaults.port > 0 ? defaults.port : 8787));
    m_bind->setText(bind);
    m_token->setText(token);
    m_dataDir->setText(dataDir);
    m_dataDir->setPlaceholderText(tr("default: %1").arg(defaults.dataDir));
}

void SettingsForm::setTray(bool on)
{
    const QSignalBlocker block(m_tray);
    m_tray->setChecked(on);
}

void SettingsForm::setTheme(const QString &theme)
{
    const int index = m_theme->findData(theme);
    m_theme->setCurrentIndex(index >= 0 ? index : 0);
}

void SettingsForm::setConfigHint(const QString &text)
{
    m_configHint->setText(text);
}

void SettingsForm::setAi(const ManagedConfig::Ai &ai)
{
    {
        const QSignalBlocker block(m_provider);
        const int index = m_provider->findData(ai.provider);
        m_provider->setCurrentIndex(index < 0 ? 0 : index);
    }
    m_baseUrl->setText(ai.baseUrl);
    m_model->setText(ai.model);
    m_account->setText(ai.accountId);
    m_secretName->setText(ai.apiKeySecret);
    m_apiKey->clear();
    updateProviderFields();
}

void SettingsForm::setContainers(const QList<ManagedConfig::Container> &containers)
{
    while (m_containerForm->rowCount() > 0)
        m_containerForm->removeRow(0);
    m_containerRows.clear();
    QWidget *parent = m_containerForm->parentWidget();
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
        connect(row.sleepAfter, &QLineEdit::textEdited, this, &SettingsForm::edited);
        connect(row.sleepAfter, &QLineEdit::textChanged, this,
                [e = row.sleepAfter] { markInvalid(e, false); });
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
            connect(row.network, &QComboBox::activated, this, &SettingsForm::edited);
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

void SettingsForm::setServerState(const QString &url, const QString &dataDir)
{
    m_serverUrl = url;
    m_dataDirInUse = dataDir;
    updateHints();
}

void SettingsForm::setAiHint(const QString &text)
{
    m_aiHint->setText(text);
}

void SettingsForm::setStoredSecrets(const QStringList &names)
{
    m_storedSecrets = names;
    updateProviderFields();
}

void SettingsForm::setDataDir(const QString &dir)
{
    m_dataDir->setText(QDir::toNativeSeparators(dir));
    Q_EMIT edited();
}

void SettingsForm::updateProviderFields()
{
    const QString provider = m_provider->currentData().toString();
    const bool any = !provider.isEmpty();
    const bool workers = provider == kWorkersAi;
    m_aiForm->setRowVisible(m_baseUrl, any);
    m_aiForm->setRowVisible(m_model, any);
    m_aiForm->setRowVisible(m_account, workers);
    m_aiForm->setRowVisible(m_secretName, any);
    m_aiForm->setRowVisible(m_apiKey, any);
    const ConfigRules::AiDefaults defaults = ConfigRules::aiDefaults(provider);
    if (workers) {
        m_baseUrl->setPlaceholderText(defaults.baseUrl);
        m_model->setPlaceholderText(defaults.model);
        m_secretName->setPlaceholderText(defaults.keySecret);
    } else {
        m_baseUrl->setPlaceholderText(
            tr("http://127.0.0.1:11434/v1 for Ollama; empty: %1").arg(defaults.baseUrl));
        m_model->setPlaceholderText(tr("e.g. llama3.2"));
        m_secretName->setPlaceholderText(
            tr("%1 (only when a key is set)").arg(aiKeySecretName(provider, QString())));
    }
    const QString name = keySecretName();
    m_apiKey->setPlaceholderText(
        isKeyStored()
            ? tr("%1 is stored — leave empty to keep it").arg(name)
            : (workers
                   ? tr("required: stored encrypted as %1").arg(name)
                   : tr("optional (a local server needs none): stored encrypted as %1").arg(name)));
}

void SettingsForm::updateHints()
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
    if (!m_serverUrl.isEmpty())
        hint += QLatin1Char(' ') + tr("Serving now on %1.").arg(m_serverUrl);
    m_serverHint->setText(hint);
    m_dataDirHint->setText(m_dataDirInUse.isEmpty()
                               ? tr("KV, bucket objects, secrets, durable storage and logs live "
                                    "here.")
                               : tr("In use: %1 — KV, bucket objects, secrets, durable storage "
                                    "and logs live here.")
                                     .arg(QDir::toNativeSeparators(m_dataDirInUse)));
}

SettingsInput SettingsForm::input() const
{
    SettingsInput in;
    in.port = m_port->text();
    in.bind = m_bind->text();
    in.token = m_token->text();
    in.dataDir = m_dataDir->text();
    in.provider = m_provider->currentData().toString();
    in.baseUrl = m_baseUrl->text();
    in.model = m_model->text();
    in.account = m_account->text();
    in.secretName = m_secretName->text();
    in.keyTyped = !m_apiKey->text().isEmpty();
    in.keyStored = isKeyStored();
    for (const ContainerRow &row : m_containerRows)
        in.sleepAfter.append({row.original.className, row.sleepAfter->text()});
    return in;
}

ManagedConfig::Ai SettingsForm::chosenAi() const
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
        ai.apiKeySecret = keySecretName();
    return ai;
}

QList<ManagedConfig::Container> SettingsForm::chosenContainers() const
{
    QList<ManagedConfig::Container> out;
    for (const ContainerRow &row : m_containerRows) {
        ManagedConfig::Container c = row.original;
        c.sleepAfter = row.sleepAfter->text().trimmed();
        if (row.network)
            c.commandNetwork = row.network->currentData().toString();
        out.append(c);
    }
    return out;
}

QString SettingsForm::keySecretName() const
{
    return aiKeySecretName(m_provider->currentData().toString(), m_secretName->text());
}

bool SettingsForm::isKeyStored() const
{
    return m_storedSecrets.contains(keySecretName());
}

QByteArray SettingsForm::apiKey() const
{
    return m_apiKey->text().toUtf8();
}

void SettingsForm::clearApiKey()
{
    m_apiKey->clear();
}

int SettingsForm::port() const
{
    return m_port->text().trimmed().toInt();
}

QString SettingsForm::bind() const
{
    return m_bind->text().trimmed();
}

QString SettingsForm::token() const
{
    return m_token->text();
}

QString SettingsForm::dataDir() const
{
    const QString typed = m_dataDir->text().trimmed();
    return typed.isEmpty() ? QString() : QDir::cleanPath(typed);
}

QWidget *SettingsForm::fieldOf(const SettingsProblem &problem) const
{
    switch (problem.field) {
    case SettingsProblem::Field::Port:
        return m_port;
    case SettingsProblem::Field::Bind:
        return m_bind;
    case SettingsProblem::Field::Token:
        return m_token;
    case SettingsProblem::Field::DataDir:
        return m_dataDir;
    case SettingsProblem::Field::BaseUrl:
        return m_baseUrl;
    case SettingsProblem::Field::Model:
        return m_model;
    case SettingsProblem::Field::Account:
        return m_account;
    case SettingsProblem::Field::SecretName:
        return m_secretName;
    case SettingsProblem::Field::ApiKey:
        return m_apiKey;
    case SettingsProblem::Field::SleepAfter:
        for (const ContainerRow &row : m_containerRows) {
            if (row.original.className == problem.className)
                return row.sleepAfter;
        }
        return nullptr;
    case SettingsProblem::Field::None:
    case SettingsProblem::Field::Configuration:
        return nullptr;
    }
    return nullptr;
}

void SettingsForm::mark(const SettingsProblem &problem)
{
    for (QWidget *w : std::initializer_list<QWidget *>{m_port, m_bind, m_token, m_dataDir,
                                                       m_baseUrl, m_model, m_account, m_secretName})
        markInvalid(w, false);
    if (QWidget *w = fieldOf(problem)) {
        markInvalid(w, true);
        w->setFocus();
    }
}

void SettingsForm::markInvalid(QWidget *field, bool invalid)
{
    if (field->property("invalid").toBool() == invalid)
        return;
    field->setProperty("invalid", invalid);
    field->setStyleSheet(invalid ? QStringLiteral("border: 1px solid #d64545; border-radius: 3px; "
                                                  "padding: 2px;")
                                 : QString());
}

} // namespace edgedesk
