#include "api/apipanel.h"

#include "api/responseview.h"
#include "appsettings.h"
#include "widgets/curlbar.h"
#include "widgets/sectionheading.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("api");

QString heavyPath(int n)
{
    return QStringLiteral("/api/heavycompute?n=%1").arg(n);
}

} // namespace

ApiPanel::ApiPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("api"), tr("API"), QStringLiteral("api"), context, parent)
{
    buildUi();
    restoreInputs();
    updateCurl();
}

ApiPanel::~ApiPanel()
{
    // Replies belong to the client's network manager, which outlives this panel: stop them so
    // their callbacks never run.
    if (m_reply)
        m_reply->abort();
    for (const auto &reply : std::as_const(m_burstReplies)) {
        if (reply)
            reply->abort();
    }
}

void ApiPanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    layout->addWidget(new SectionHeading(
        tr("API"),
        tr("Requests to the router. <code>/api/*</code> goes to the <b>BACKEND</b> container "
           "class, and each request lands on one of its instances."),
        this));

    // The request line: preset, method, path, n, Send, Burst.
    auto *line = new QHBoxLayout;
    line->setSpacing(6);
    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("apiPreset"));
    m_preset->addItem(tr("api1 — small JSON"));
    m_preset->addItem(tr("heavycompute — Fibonacci(n)"));
    m_preset->addItem(tr("responseheaders — echo headers"));
    m_preset->addItem(tr("Custom request"));
    m_preset->setToolTip(tr("A ready-made request to the backend, or your own"));
    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("apiMethod"));
    m_method->setEditable(true);
    m_method->addItems({QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                        QStringLiteral("PATCH"), QStringLiteral("DELETE"), QStringLiteral("HEAD"),
                        QStringLiteral("OPTIONS")});
    m_method->setMinimumContentsLength(7);
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("apiPath"));
    m_path->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_path->setPlaceholderText(tr("/api/api1"));
    m_path->setClearButtonEnabled(true);
    m_nLabel = new QLabel(tr("n"), this);
    m_n = new QSpinBox(this);
    m_n->setObjectName(QStringLiteral("apiN"));
    m_n->setRange(1, 45);
    m_n->setValue(30);
    m_n->setToolTip(tr("Fibonacci(n) computed recursively in the container: 30 takes a few "
                       "milliseconds, 40 about a second"));
    m_nLabel->setBuddy(m_n);
    m_send = new QPushButton(Panel::themedIcon(QStringLiteral("play")), tr("Send"), this);
    m_send->setObjectName(QStringLiteral("apiSend"));
    m_send->setDefault(true);
    m_send->setToolTip(tr("Send the request (Ctrl+Enter)"));
    line->addWidget(m_preset);
    line->addWidget(m_method);
    line->addWidget(m_path, 1);
    line->addWidget(m_nLabel);
    line->addWidget(m_n);
    line->addWidget(m_send);
    line->addSpacing(12);
    auto *burstLabel = new QLabel(tr("Burst"), this);
    m_burstCount = new QSpinBox(this);
    m_burstCount->setObjectName(QStringLiteral("apiBurstCount"));
    m_burstCount->setRange(2, 500);
    m_burstCount->setValue(20);
    m_burstCount->setSuffix(tr(" ×"));
    m_burstCount->setToolTip(tr("How many copies of the request a burst sends at once"));
    burstLabel->setBuddy(m_burstCount);
    m_burst = new QPushButton(this);
    m_burst->setObjectName(QStringLiteral("apiBurst"));
    setBurstButton(false);
    line->addWidget(burstLabel);
    line->addWidget(m_burstCount);
    line->addWidget(m_burst);
    layout->addLayout(line);

    m_curl = new CurlBar(this);
    m_curl->setObjectName(QStringLiteral("apiCurl"));
    layout->addWidget(m_curl);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);

    m_requestTabs = new QTabWidget(splitter);
    m_requestTabs->setDocumentMode(true);
    m_headersEdit = new QPlainTextEdit(m_requestTabs);
    m_headersEdit->setObjectName(QStringLiteral("apiHeadersEdit"));
    m_headersEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_headersEdit->setPlaceholderText(
        tr("Request headers, one per line:\nAccept: application/json\nX-Trace: 42"));
    m_headersEdit->setTabChangesFocus(true);
    m_bodyEdit = new QPlainTextEdit(m_requestTabs);
    m_bodyEdit->setObjectName(QStringLiteral("apiBodyEdit"));
    m_bodyEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_bodyEdit->setPlaceholderText(tr("Request body (sent as typed), e.g. {\"hello\": \"world\"}"));
    m_bodyEdit->setTabChangesFocus(true);
    m_requestTabs->addTab(m_headersEdit, tr("Request headers"));
    m_requestTabs->addTab(m_bodyEdit, tr("Request body"));
    splitter->addWidget(m_requestTabs);

    m_response = new ResponseView(splitter);
    splitter->addWidget(m_response);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    const int editorHeight = fontMetrics().lineSpacing() * 5 + 40;
    splitter->setSizes({editorHeight, editorHeight * 4});
    layout->addWidget(splitter, 1);

    connect(m_preset, &QComboBox::activated, this, &ApiPanel::applyPreset);
    connect(m_n, &QSpinBox::valueChanged, this, [this](int n) {
        if (m_syncing || m_preset->currentIndex() != HeavyCompute)
            return;
        m_path->setText(heavyPath(n));
        updateCurl();
    });
    connect(m_path, &QLineEdit::textEdited, this, [this] {
        syncPresetFromInputs();
        updateCurl();
    });
    connect(m_method, &QComboBox::currentTextChanged, this, [this] {
        syncPresetFromInputs();
        updateCurl();
    });
    connect(m_headersEdit, &QPlainTextEdit::textChanged, this, &ApiPanel::updateCurl);
    connect(m_bodyEdit, &QPlainTextEdit::textChanged, this, &ApiPanel::updateCurl);
    connect(m_path, &QLineEdit::returnPressed, this, &ApiPanel::send);
    connect(m_send, &QPushButton::clicked, this, &ApiPanel::send);
    connect(m_burst, &QPushButton::clicked, this, [this] {
        if (isBursting())
            stopBurst();
        else
            startBurst();
    });
    addRunShortcuts([this] { send(); },
                    [this] {
                        if (m_reply) {
                            ApiClient::abandon(m_reply, context().api);
                            m_reply.clear();
                            m_response->showCancelled();
                        }
                        if (isBursting())
                            stopBurst();
                    });
}

void ApiPanel::restoreInputs()
{
    AppSettings *s = context().settings;
    m_syncing = true;
    m_n->setValue(s->panelValue(kPanel, QStringLiteral("n"), 30).toInt());
    m_burstCount->setValue(s->panelValue(kPanel, QStringLiteral("burst"), 20).toInt());
    m_method->setCurrentText(
        s->panelValue(kPanel, QStringLiteral("method"), QStringLiteral("GET")).toString());
    m_path->setText(
        s->panelValue(kPanel, QStringLiteral("path"), QStringLiteral("/api/api1")).toString());
    m_headersEdit->setPlainText(s->panelValue(kPanel, QStringLiteral("headers")).toString());
    m_bodyEdit->setPlainText(s->panelValue(kPanel, QStringLiteral("body")).toString());
    m_syncing = false;
    syncPresetFromInputs();
}

void ApiPanel::saveState()
{
    AppSettings *s = context().settings;
    s->setPanelValue(kPanel, QStringLiteral("method"), m_method->currentText());
    s->setPanelValue(kPanel, QStringLiteral("path"), m_path->text());
    s->setPanelValue(kPanel, QStringLiteral("n"), m_n->value());
    s->setPanelValue(kPanel, QStringLiteral("burst"), m_burstCount->value());
    s->setPanelValue(kPanel, QStringLiteral("headers"), m_headersEdit->toPlainText());
    s->setPanelValue(kPanel, QStringLiteral("body"), m_bodyEdit->toPlainText());
}

void ApiPanel::activated()
{
    m_path->setFocus();
}

void ApiPanel::serverReady()
{
    updateCurl(); // the port may have changed
}

void ApiPanel::applyPreset(int preset)
{
    m_syncing = true;
    switch (preset) {
    case Api1:
        m_method->setCurrentText(QStringLiteral("GET"));
        m_path->setText(QStringLiteral("/api/api1"));
        break;
    case HeavyCompute:
        m_method->setCurrentText(QStringLiteral("GET"));
        m_path->setText(heavyPath(m_n->value()));
        break;
    case ResponseHeaders:
        m_method->setCurrentText(QStringLiteral("GET"));
        m_path->setText(QStringLiteral("/api/responseheaders"));
        break;
    default:
        m_path->setFocus();
        break;
    }
    m_syncing = false;
    syncPresetFromInputs();
    if (preset != Custom)
        m_preset->setCurrentIndex(preset);
    updateCurl();
}

void ApiPanel::syncPresetFromInputs()
{
    if (m_syncing)
        return;
    const QString path = m_path->text().trimmed();
    const bool get =
        m_method->currentText().trimmed().compare(QLatin1String("GET"), Qt::CaseInsensitive) == 0;
    int preset = Custom;
    static const QRegularExpression heavy(QStringLiteral("^/api/heavycompute\\?n=(\\d+)$"));
    if (get && path == QLatin1String("/api/api1")) {
        preset = Api1;
    } else if (get && path == QLatin1String("/api/responseheaders")) {
        preset = ResponseHeaders;
    } else if (const auto m = heavy.match(path); get && m.hasMatch()) {
        const int n = m.captured(1).toInt();
        if (n >= m_n->minimum() && n <= m_n->maximum()) {
            preset = HeavyCompute;
            m_syncing = true;
            m_n->setValue(n);
            m_syncing = false;
        }
    }
    m_preset->setCurrentIndex(preset);
    m_nLabel->setVisible(preset == HeavyCompute);
    m_n->setVisible(preset == HeavyCompute);
}

Result<ApiHeaders> ApiPanel::parseHeaderLines(const QString &text)
{
    ApiHeaders headers;
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        const QString name = colon > 0 ? line.left(colon).trimmed() : QString();
        if (name.isEmpty() || !token.match(name).hasMatch())
            return makeError(
                QStringLiteral("bad_request"),
                tr("Request header line %1 is not \"Name: value\": %2").arg(i + 1).arg(line));
        headers.append({name.toLatin1(), line.mid(colon + 1).trimmed().toUtf8()});
    }
    return headers;
}

Result<ApiPanel::Request> ApiPanel::request() const
{
    Request r;
    r.method = m_method->currentText().trimmed().toUpper().toLatin1();
    if (r.method.isEmpty())
        r.method = "GET";
    static const QRegularExpression methodToken(QStringLiteral("^[A-Z]+$"));
    if (!methodToken.match(QString::fromLatin1(r.method)).hasMatch())
        return makeError(QStringLiteral("bad_request"),
                         tr("The method must be a word such as GET or POST"));
    r.path = m_path->text().trimmed();
    if (r.path.isEmpty())
        r.path = QStringLiteral("/");
    if (!r.path.startsWith(QLatin1Char('/')))
        r.path.prepend(QLatin1Char('/'));
    auto headers = parseHeaderLines(m_headersEdit->toPlainText());
    if (!headers)
        return headers.error();
    r.headers = *headers;
    r.body = m_bodyEdit->toPlainText().toUtf8();
    return r;
}

void ApiPanel::updateCurl()
{
    const auto r = request();
    if (!r) {
        m_curl->setCommand(QString());
        return;
    }
    m_curl->setCommand(context().api->curlCommand(r->method, r->path, r->headers, r->body));
}

QString ApiPanel::instanceOf(const ApiResponse &response)
{
    const QByteArray header = response.header("X-EdgeDesk-Instance");
    if (!header.isEmpty())
        return QString::fromUtf8(header);
    const QJsonValue instance = response.json().value(QStringLiteral("instance"));
    if (instance.isString())
        return instance.toString();
    if (instance.isDouble())
        return QString::number(instance.toInt());
    return {};
}

void ApiPanel::send()
{
    const auto r = request();
    if (!r) {
        m_response->showError(r.error().message);
        return;
    }
    ApiClient::abandon(m_reply, context().api);
    updateCurl();
    m_response->showSending();
    const quint64 sequence = ++m_sequence;
    m_reply = context().api->call(r->method, r->path, r->body, r->headers, this,
                                  [this, sequence](const ApiResponse &response) {
                                      if (sequence != m_sequence)
                                          return; // superseded by a newer Send
                                      showResponse(response);
                                  });
}

void ApiPanel::showResponse(const ApiResponse &response)
{
    m_last = response;
    m_reply.clear();
    m_response->showResponse(response, instanceOf(response));
}

void ApiPanel::setBurstButton(bool running)
{
    m_burst->setText(running ? tr("Stop") : tr("Burst"));
    m_burst->setIcon(Panel::themedIcon(running ? QStringLiteral("stop") : QStringLiteral("play")));
    m_burst->setToolTip(running ? tr("Cancel the requests still waiting (Esc)")
                                : tr("Send the request many times at once and see which "
                                     "instances answer"));
}

void ApiPanel::startBurst()
{
    const auto r = request();
    if (!r) {
        m_response->showError(r.error().message);
        return;
    }
    if (isBursting())
        stopBurst();
    const int count = m_burstCount->value();
    m_burstPending = count;
    m_burstReplies.clear();
    m_burstClock.start();
    const quint64 sequence = ++m_burstSequence;
    m_response->startBurst(count);
    setBurstButton(true);
    m_curl->setCommand(
        QStringLiteral(
            "for i in $(seq %1); do %2 -o /dev/null -D - | grep -i '^x-edgedesk-instance' "
            "& done; wait")
            .arg(count)
            .arg(context().api->curlCommand(r->method, r->path, r->headers, r->body)));
    for (int i = 0; i < count; ++i) {
        m_burstReplies.append(context().api->call(r->method, r->path, r->body, r->headers, this,
                                                  [this, sequence](const ApiResponse &response) {
                                                      if (sequence == m_burstSequence)
                                                          onBurstAnswer(response);
                                                  }));
    }
}

void ApiPanel::onBurstAnswer(const ApiResponse &response)
{
    m_response->addBurstAnswer(response, instanceOf(response));
    if (--m_burstPending == 0)
        finishBurst(false);
}

void ApiPanel::stopBurst()
{
    if (!isBursting())
        return;
    // Invalidate first: aborting finishes the replies synchronously, and their answers must
    // not count as failures of the burst.
    ++m_burstSequence;
    for (const auto &reply : std::as_const(m_burstReplies))
        ApiClient::abandon(reply, context().api);
    finishBurst(true);
}

void ApiPanel::finishBurst(bool stopped)
{
    m_burstPending = 0;
    m_burstReplies.clear();
    setBurstButton(false);
    m_response->finishBurst(stopped, m_burstClock.elapsed());
}

} // namespace edgedesk
