#include "ai/aipanel.h"

#include "apiclient.h"
#include "appsettings.h"
#include "ai/providersetupbanner.h"
#include "widgets/curlbar.h"
#include "widgets/displayformat.h"
#include "widgets/elapsedindicator.h"
#include "widgets/labels.h"
#include "widgets/messagebanner.h"
#include "widgets/sectionheading.h"
#include "widgets/statusbadge.h"

#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTextCursor>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("ai");
const QString kSettingsLink = QStringLiteral("section:settings");

} // namespace

AiPanel::AiPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("ai"), tr("AI"), QStringLiteral("ai"), context, parent)
{
    buildUi();
    m_prompt->setPlainText(context.settings
                               ->panelValue(kPanel, QStringLiteral("prompt"),
                                            QStringLiteral("What is the origin of the phrase "
                                                           "Hello, World?"))
                               .toString());
    m_model->setText(context.settings->panelValue(kPanel, QStringLiteral("model")).toString());
    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, &AiPanel::updateStats);
    setState(State::Idle);
    updateCurl();
}

AiPanel::~AiPanel()
{
    ApiClient::abandon(m_reply, this);
}

void AiPanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *heading = new SectionHeading(
        tr("AI"),
        tr("Streams an answer from the configured LLM provider through <code>/ai</code>, token "
           "by token."),
        this);
    m_provider = new QLabel(heading);
    m_provider->setObjectName(QStringLiteral("aiProvider"));
    m_provider->setTextInteractionFlags(Qt::TextSelectableByMouse);
    heading->addTrailingWidget(m_provider);
    layout->addWidget(heading);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);

    auto *top = new QWidget(splitter);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_prompt = new QPlainTextEdit(top);
    m_prompt->setObjectName(QStringLiteral("aiPrompt"));
    m_prompt->setPlaceholderText(tr("Ask something, then press Generate (Ctrl+Enter)"));
    m_prompt->setTabChangesFocus(true);
    topLayout->addWidget(m_prompt, 1);
    auto *actions = new QHBoxLayout;
    auto *modelLabel = new QLabel(tr("Model"), top);
    m_model = new QLineEdit(top);
    m_model->setObjectName(QStringLiteral("aiModel"));
    m_model->setClearButtonEnabled(true);
    m_model->setToolTip(tr("Leave empty for the configured model"));
    m_model->setMinimumWidth(fontMetrics().averageCharWidth() * 28);
    modelLabel->setBuddy(m_model);
    m_generate = new QPushButton(Panel::themedIcon(QStringLiteral("play")), tr("Generate"), top);
    m_generate->setObjectName(QStringLiteral("aiGenerate"));
    m_generate->setToolTip(tr("Send the prompt (Ctrl+Enter)"));
    m_generate->setDefault(true);
    m_stop = new QPushButton(Panel::themedIcon(QStringLiteral("stop")), tr("Stop"), top);
    m_stop->setObjectName(QStringLiteral("aiStop"));
    m_stop->setToolTip(tr("Cancel the answer (Esc)"));
    actions->addWidget(modelLabel);
    actions->addWidget(m_model);
    actions->addStretch(1);
    actions->addWidget(m_generate);
    actions->addWidget(m_stop);
    topLayout->addLayout(actions);
    m_curl = new CurlBar(top);
    m_curl->setObjectName(QStringLiteral("aiCurl"));
    topLayout->addWidget(m_curl);
    splitter->addWidget(top);

    auto *bottom = new QWidget(splitter);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 6, 0, 0);
    auto *summary = new QHBoxLayout;
    summary->setSpacing(6);
    m_status = new StatusBadge(bottom);
    m_status->setObjectName(QStringLiteral("aiStatus"));
    summary->addWidget(m_status);
    auto addMeta = [&](const QString &caption, const QString &name) {
        return addCaptionedValue(summary, caption, name, bottom);
    };
    m_elapsed = addMeta(tr("Elapsed"), QStringLiteral("aiElapsed"));
    m_firstToken = addMeta(tr("First token"), QStringLiteral("aiFirstToken"));
    m_tokensLabel = addMeta(tr("Tokens"), QStringLiteral("aiTokens"));
    m_rate = addMeta(tr("Speed"), QStringLiteral("aiRate"));
    summary->addSpacing(10);
    m_busy = new ElapsedIndicator(bottom);
    summary->addWidget(m_busy);
    summary->addStretch(1);
    bottomLayout->addLayout(summary);
    m_setup = new ProviderSetupBanner(bottom);
    bottomLayout->addWidget(m_setup);
    m_error = new MessageBanner(bottom);
    m_error->setObjectName(QStringLiteral("aiError"));
    bottomLayout->addWidget(m_error);
    m_output = new QPlainTextEdit(bottom);
    m_output->setObjectName(QStringLiteral("aiOutput"));
    m_output->setReadOnly(true);
    m_output->setPlaceholderText(
        tr("The answer streams in here as the model writes it. Stop (Esc) cancels it midway."));
    QFont outputFont = m_output->font();
    outputFont.setPointSizeF(outputFont.pointSizeF() * 1.08);
    m_output->setFont(outputFont);
    bottomLayout->addWidget(m_output, 1);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    const int promptHeight = fontMetrics().lineSpacing() * 5 + 100;
    splitter->setSizes({promptHeight, promptHeight * 3});
    layout->addWidget(splitter, 1);

    connect(m_generate, &QPushButton::clicked, this, &AiPanel::generate);
    connect(m_stop, &QPushButton::clicked, this, &AiPanel::stop);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, &AiPanel::updateCurl);
    connect(m_model, &QLineEdit::textChanged, this, &AiPanel::updateCurl);
    connect(m_model, &QLineEdit::returnPressed, this, &AiPanel::generate);
    connect(m_setup, &ProviderSetupBanner::setupRequested, this,
            [this] { Q_EMIT showSection(QStringLiteral("settings")); });
    connect(m_error, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == kSettingsLink)
            Q_EMIT showSection(QStringLiteral("settings"));
    });
    addRunShortcuts([this] { generate(); }, [this] { stop(); });
}

void AiPanel::saveState()
{
    context().settings->setPanelValue(kPanel, QStringLiteral("prompt"), m_prompt->toPlainText());
    context().settings->setPanelValue(kPanel, QStringLiteral("model"), m_model->text());
}

void AiPanel::activated()
{
    if (!m_configLoaded)
        refreshProvider();
    m_prompt->setFocus();
}

void AiPanel::serverReady()
{
    m_configLoaded = false;
    refreshProvider();
    updateCurl();
}

void AiPanel::refreshProvider()
{
    if (!context().api->baseUrl().isValid())
        return;
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        if (!r.ok()) {
            m_provider->setText(tr("provider unknown"));
            m_provider->setToolTip(r.describeError());
            return;
        }
        m_configLoaded = true;
        m_config = r.json().value(QStringLiteral("ai")).toObject();
        showProvider();
        Q_EMIT providerLoaded();
    });
}

bool AiPanel::providerConfigured() const
{
    return m_config.contains(QStringLiteral("configured"))
               ? m_config.value(QStringLiteral("configured")).toBool()
               : !m_config.value(QStringLiteral("provider")).toString().isEmpty();
}

void AiPanel::showProvider()
{
    const QString provider = m_config.value(QStringLiteral("provider")).toString();
    const QString model = m_config.value(QStringLiteral("model")).toString();
    const bool configured = providerConfigured();
    m_model->setPlaceholderText(model.isEmpty() ? tr("the provider's default")
                                                : tr("%1 (configured)").arg(model));
    QString colour;
    if (configured) {
        m_provider->setText(model.isEmpty() ? provider
                                            : QStringLiteral("%1 · %2").arg(provider, model));
        m_provider->setToolTip(
            tr("Provider %1 at %2")
                .arg(provider, m_config.value(QStringLiteral("base_url")).toString()));
        colour = QStringLiteral("#1f9d55");
    } else {
        m_provider->setText(tr("no provider configured"));
        m_provider->setToolTip(tr("Choose an AI provider in Settings"));
        colour = QStringLiteral("#c48a0e");
    }
    m_provider->setStyleSheet(
        QStringLiteral("QLabel#aiProvider { border: 1px solid %1; border-radius: 9px; "
                       "padding: 2px 10px; }")
            .arg(colour));
    if (!configured) {
        m_setup->showNoProvider();
        if (m_state == State::Idle)
            m_error->clear();
    } else {
        m_setup->hide();
        if (m_state == State::Idle)
            m_error->clear();
    }
}

QByteArray AiPanel::requestBody(const QString &prompt, const QString &model)
{
    QJsonObject body{{QStringLiteral("prompt"), prompt}, {QStringLiteral("stream"), true}};
    if (!model.trimmed().isEmpty())
        body.insert(QStringLiteral("model"), model.trimmed());
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

void AiPanel::updateCurl()
{
    QString command = context().api->curlCommand(
        "POST", QStringLiteral("/ai"), {{"Content-Type", "application/json"}},
        requestBody(m_prompt->toPlainText(), m_model->text()));
    // -N: print each event as it arrives instead of buffering.
    if (command.startsWith(QLatin1String("curl -s ")))
        command.insert(7, QLatin1Char('N'));
    m_curl->setCommand(command);
}

void AiPanel::generate()
{
    const QString prompt = m_prompt->toPlainText();
    if (prompt.trimmed().isEmpty()) {
        m_error->showMessage(MessageBanner::Tone::Info, tr("Write a prompt first."));
        m_prompt->setFocus();
        return;
    }
    ApiClient::abandon(m_reply, this);
    m_error->clear();
    m_output->clear();
    m_answer.clear();
    m_tokens = 0;
    m_firstTokenMs = -1;
    m_lastTokenMs = -1;
    m_endMs = -1;
    m_decoder = SseDecoder();
    m_isStream = false;
    m_sawDone = false;
    m_stopping = false;
    m_plainBody.clear();
    updateCurl();
    m_clock.start();
    m_reply = context().api->send(
        "POST", QStringLiteral("/ai"), requestBody(prompt, m_model->text()),
        {{"Content-Type", "application/json"}, {"Accept", "text/event-stream, application/json"}});
    connect(m_reply, &QNetworkReply::readyRead, this, &AiPanel::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &AiPanel::onFinished);
    setState(State::Waiting);
    m_tick.start();
    updateStats();
}

void AiPanel::stop()
{
    if (!isRunning() || !m_reply)
        return;
    // Aborting closes the connection; the server cancels the upstream call when it notices.
    m_stopping = true;
    m_reply->abort();
}

void AiPanel::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    if (m_state == State::Failed) {
        reply->readAll(); // an error event ended the answer; the rest is of no interest
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    m_isStream = status == 200 && type.startsWith("text/event-stream");
    const QByteArray bytes = reply->readAll();
    if (!m_isStream) {
        m_plainBody += bytes;
        return;
    }
    QList<SseDecoder::Event> events;
    if (!m_decoder.feed(bytes, events)) {
        fail(status, QStringLiteral("bad_gateway"),
             tr("The answer is not a valid event stream (an event grew beyond 1 MiB)."));
        reply->abort();
        return;
    }
    for (const SseDecoder::Event &event : std::as_const(events)) {
        handleEvent(event.data);
        if (m_state == State::Failed)
            return;
    }
}

void AiPanel::handleEvent(const QByteArray &data)
{
    if (data.trimmed() == "[DONE]") {
        m_sawDone = true;
        return;
    }
    const QJsonObject json = QJsonDocument::fromJson(data).object();
    if (json.contains(QStringLiteral("error"))) {
        const QJsonValue error = json.value(QStringLiteral("error"));
        const QJsonObject object = error.toObject();
        fail(200, object.value(QStringLiteral("code")).toString(),
             error.isString() ? error.toString()
                              : object.value(QStringLiteral("message")).toString());
        return;
    }
    const QString token = json.value(QStringLiteral("response")).toString();
    if (!token.isEmpty())
        appendToken(token);
}

void AiPanel::appendToken(const QString &text)
{
    const qint64 now = m_clock.elapsed();
    if (m_firstTokenMs < 0) {
        m_firstTokenMs = now;
        setState(State::Streaming);
    }
    m_lastTokenMs = now;
    ++m_tokens;
    m_answer += text;
    QScrollBar *bar = m_output->verticalScrollBar();
    const bool following = bar->value() >= bar->maximum() - 4;
    QTextCursor cursor(m_output->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text);
    if (following)
        bar->setValue(bar->maximum());
}

void AiPanel::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_reply.clear();
    reply->deleteLater();
    if (m_state == State::Failed)
        return;
    m_endMs = m_clock.elapsed();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_stopping) {
        setState(State::Stopped);
        return;
    }
    if (m_isStream) {
        for (const SseDecoder::Event &event : m_decoder.finish())
            handleEvent(event.data);
        if (m_state == State::Failed)
            return;
        if (!m_sawDone) {
            fail(status, QStringLiteral("bad_gateway"),
                 reply->error() != QNetworkReply::NoError
                     ? tr("The stream broke off before the answer was complete: %1")
                           .arg(reply->errorString())
                     : tr("The stream ended before the answer was complete."));
            return;
        }
        setState(State::Done);
        return;
    }
    m_plainBody += reply->readAll();
    const QJsonObject json = QJsonDocument::fromJson(m_plainBody).object();
    if (status >= 200 && status < 300) {
        // A provider that does not stream: the whole answer at once.
        const QString text = json.value(QStringLiteral("response")).toString();
        if (!text.isEmpty())
            appendToken(text);
        setState(State::Done);
        return;
    }
    if (status == 0) {
        fail(0, QStringLiteral("network_error"), reply->errorString());
        return;
    }
    const QJsonObject error = json.value(QStringLiteral("error")).toObject();
    fail(status, error.value(QStringLiteral("code")).toString(),
         error.value(QStringLiteral("message")).toString());
}

void AiPanel::fail(int status, const QString &code, const QString &message)
{
    if (m_endMs < 0)
        m_endMs = m_clock.elapsed();
    ApiResponse response;
    response.status = status == 200 ? 0 : status;
    response.errorCode = code;
    response.errorMessage = message;
    const QString text = response.describeError();
    // No provider at all: the setup banner leads, with the server's explanation (and its
    // configuration snippet) folded under Details rather than a paragraph of JSON.
    const bool noProvider = status == 503 && m_configLoaded && !providerConfigured();
    if (noProvider) {
        m_setup->showNoProvider(message);
        m_error->clear();
    } else if (status == 503 || code == QLatin1String("not_configured")) {
        // A provider without its token, or one that is down: the fix is in Settings.
        m_error->showMessage(MessageBanner::Tone::Warning, text, tr("Open Settings"),
                             kSettingsLink);
    } else {
        m_error->showMessage(MessageBanner::Tone::Error, text);
    }
    m_status->setProperty("httpStatus", status);
    setState(State::Failed);
    if (status > 0 && status != 200)
        m_status->set(DisplayFormat::httpStatus(status), StatusBadge::toneForHttpStatus(status));
}

void AiPanel::setState(State state)
{
    const bool changed = m_state != state;
    m_state = state;
    const bool running = isRunning();
    // Enable before disabling, so keyboard focus moves between the two buttons instead of
    // jumping to an unrelated field.
    if (running) {
        m_stop->setEnabled(true);
        if (m_generate->hasFocus())
            m_stop->setFocus();
        m_generate->setEnabled(false);
    } else {
        m_generate->setEnabled(true);
        if (m_stop->hasFocus())
            m_generate->setFocus();
        m_stop->setEnabled(false);
    }
    switch (state) {
    case State::Idle:
        m_status->set(tr("ready"), StatusBadge::Tone::Neutral);
        break;
    case State::Waiting:
        m_status->set(tr("waiting"), StatusBadge::Tone::Busy);
        m_busy->start(tr("Waiting for the first token…"));
        break;
    case State::Streaming:
        m_status->set(tr("streaming"), StatusBadge::Tone::Busy);
        m_busy->stop();
        break;
    case State::Done:
        m_status->set(tr("done"), StatusBadge::Tone::Good);
        break;
    case State::Stopped:
        m_status->set(tr("stopped"), StatusBadge::Tone::Neutral);
        break;
    case State::Failed:
        m_status->set(tr("failed"), StatusBadge::Tone::Bad);
        break;
    }
    if (!running) {
        m_tick.stop();
        m_busy->stop();
        if (state != State::Idle)
            updateStats();
    }
    if (changed)
        Q_EMIT stateChanged(state);
}

void AiPanel::updateStats()
{
    const qint64 now = m_endMs >= 0 ? m_endMs : m_clock.elapsed();
    m_elapsed->setText(DisplayFormat::duration(double(now)));
    m_firstToken->setText(m_firstTokenMs >= 0 ? DisplayFormat::duration(double(m_firstTokenMs))
                                              : QStringLiteral("—"));
    m_tokensLabel->setText(QString::number(m_tokens));
    // Decode speed: tokens after the first over the time they took, as model servers report it.
    const qint64 span = (isRunning() ? now : m_lastTokenMs) - m_firstTokenMs;
    if (m_tokens >= 2 && m_firstTokenMs >= 0 && span > 0)
        m_rate->setText(DisplayFormat::rate(1000.0 * (m_tokens - 1) / double(span), tr("tokens")));
    else
        m_rate->setText(QStringLiteral("—"));
}

} // namespace edgedesk
