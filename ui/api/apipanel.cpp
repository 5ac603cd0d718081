#include "api/apipanel.h"

#include "appsettings.h"
#include "widgets/burstchart.h"
#include "widgets/curlbar.h"
#include "widgets/displayformat.h"
#include "widgets/elapsedindicator.h"
#include "widgets/jsonview.h"
#include "widgets/messagebanner.h"
#include "widgets/sectionheading.h"
#include "widgets/statusbadge.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
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
#include <QTreeWidget>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("api");
constexpr qsizetype kBodyViewBytes = 512 * 1024;

// Cancels a request whose answer is no longer wanted, without the client's handler (reading an
// aborted reply only produces warnings).
void cancel(QNetworkReply *reply, QObject *client)
{
    if (!reply)
        return;
    reply->disconnect(client);
    reply->abort();
    reply->deleteLater();
}

QString heavyPath(int n)
{
    return QStringLiteral("/api/heavycompute?n=%1").arg(n);
}

// A caption and its value, as the summary row shows them ("Time 12 ms").
QLabel *addMeta(QHBoxLayout *row, const QString &caption, const QString &objectName,
                QWidget *parent)
{
    auto *captionLabel = new QLabel(caption, parent);
    QPalette muted = captionLabel->palette();
    QColor text = muted.color(QPalette::WindowText);
    text.setAlphaF(0.65);
    muted.setColor(QPalette::WindowText, text);
    captionLabel->setPalette(muted);
    auto *value = new QLabel(QStringLiteral("—"), parent);
    value->setObjectName(objectName);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addSpacing(10);
    row->addWidget(captionLabel);
    row->addWidget(value);
    return value;
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

    auto *response = new QWidget(splitter);
    auto *responseLayout = new QVBoxLayout(response);
    responseLayout->setContentsMargins(0, 6, 0, 0);
    auto *summary = new QHBoxLayout;
    summary->setSpacing(6);
    m_status = new StatusBadge(response);
    m_status->setObjectName(QStringLiteral("apiStatus"));
    summary->addWidget(m_status);
    m_time = addMeta(summary, tr("Time"), QStringLiteral("apiTime"), response);
    m_size = addMeta(summary, tr("Size"), QStringLiteral("apiSize"), response);
    m_instance = addMeta(summary, tr("Instance"), QStringLiteral("apiInstance"), response);
    summary->addSpacing(10);
    m_busy = new ElapsedIndicator(response);
    m_busy->setObjectName(QStringLiteral("apiBusy"));
    summary->addWidget(m_busy);
    summary->addStretch(1);
    responseLayout->addLayout(summary);
    m_error = new MessageBanner(response);
    m_error->setObjectName(QStringLiteral("apiError"));
    responseLayout->addWidget(m_error);

    m_responseTabs = new QTabWidget(response);
    m_responseTabs->setObjectName(QStringLiteral("apiResponseTabs"));
    m_responseTabs->setDocumentMode(true);
    m_body = new JsonView(m_responseTabs);
    m_body->setObjectName(QStringLiteral("apiBody"));
    m_body->setPlaceholderText(
        tr("Pick a request above and press Send (Ctrl+Enter).\n\nThe answer shows here, "
           "pretty-printed, with its status, time, size and the container instance that served "
           "it. Burst sends many copies at once to show how they spread over the instances."));
    m_headers = new QTreeWidget(m_responseTabs);
    m_headers->setObjectName(QStringLiteral("apiResponseHeaders"));
    m_headers->setColumnCount(2);
    m_headers->setHeaderLabels({tr("Header"), tr("Value")});
    m_headers->setRootIsDecorated(false);
    m_headers->setAlternatingRowColors(true);
    m_headers->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_burstPage = new QWidget(m_responseTabs);
    auto *burstLayout = new QVBoxLayout(m_burstPage);
    m_burstSummary = new QLabel(m_burstPage);
    m_burstSummary->setObjectName(QStringLiteral("apiBurstSummary"));
    m_burstSummary->setWordWrap(true);
    m_chart = new BurstChart(m_burstPage);
    m_chart->setObjectName(QStringLiteral("apiBurstChart"));
    m_chart->setPlaceholder(
        tr("Press Burst to send the request above many times at once; each bar counts the "
           "answers one instance gave."));
    burstLayout->addWidget(m_burstSummary);
    burstLayout->addWidget(m_chart, 1);
    m_responseTabs->addTab(m_body, tr("Body"));
    m_responseTabs->addTab(m_headers, tr("Headers"));
    m_responseTabs->addTab(m_burstPage, tr("Burst"));
    responseLayout->addWidget(m_responseTabs, 1);
    splitter->addWidget(response);
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
                            cancel(m_reply, context().api);
                            m_reply.clear();
                            m_busy->stop();
                            m_status->set(tr("cancelled"), StatusBadge::Tone::Neutral);
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
        m_error->showMessage(MessageBanner::Tone::Error, r.error().message);
        return;
    }
    cancel(m_reply, context().api);
    updateCurl();
    m_error->clear();
    m_status->set(tr("sending"), StatusBadge::Tone::Busy);
    m_busy->start(tr("Waiting…"));
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
    m_busy->stop();
    m_last = response;
    m_reply.clear();
    if (response.status == 0) {
        m_status->set(tr("no answer"), StatusBadge::Tone::Bad);
    } else {
        m_status->set(DisplayFormat::httpStatus(response.status),
                      StatusBadge::toneForHttpStatus(response.status));
    }
    m_time->setText(DisplayFormat::duration(double(response.elapsedMs)));
    m_size->setText(response.status == 0 ? QStringLiteral("—")
                                         : DisplayFormat::bytes(response.body.size()));
    const QString instance = instanceOf(response);
    m_instance->setText(instance.isEmpty() ? QStringLiteral("—") : instance);
    if (!response.ok())
        m_error->showMessage(MessageBanner::Tone::Error, response.describeError());
    else
        m_error->clear();

    if (response.body.size() > kBodyViewBytes) {
        // Pretty-printing and laying out megabytes would freeze the window; the start is shown.
        m_body->setBody(response.body.left(kBodyViewBytes));
        m_body->appendPlainText(tr("\n… %1 more bytes not shown (the body is %2; Copy as curl "
                                   "gets all of it)")
                                    .arg(response.body.size() - kBodyViewBytes)
                                    .arg(DisplayFormat::bytes(response.body.size())));
    } else {
        m_body->setBody(response.body);
    }
    if (response.body.isEmpty())
        m_body->setPlainText(response.status == 0 ? QString()
                                                  : tr("(the answer has an empty body)"));
    m_headers->clear();
    for (const auto &h : response.headers)
        new QTreeWidgetItem(m_headers, {QString::fromLatin1(h.first), QString::fromUtf8(h.second)});
    m_responseTabs->setTabText(1, tr("Headers (%1)").arg(response.headers.size()));
    if (m_responseTabs->currentWidget() == m_burstPage)
        m_responseTabs->setCurrentWidget(m_body);
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
        m_error->showMessage(MessageBanner::Tone::Error, r.error().message);
        return;
    }
    if (isBursting())
        stopBurst();
    const int count = m_burstCount->value();
    m_error->clear();
    m_chart->reset(count);
    m_burstFirstError.clear();
    m_burstPending = count;
    m_burstReplies.clear();
    m_burstClock.start();
    const quint64 sequence = ++m_burstSequence;
    m_responseTabs->setCurrentWidget(m_burstPage);
    m_burstSummary->setText(tr("Sending %1 requests…").arg(count));
    m_status->set(tr("burst"), StatusBadge::Tone::Busy);
    m_busy->start(tr("Burst…"));
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
    if (response.ok()) {
        m_chart->addAnswer(instanceOf(response));
    } else {
        m_chart->addFailure();
        if (m_burstFirstError.isEmpty())
            m_burstFirstError = response.describeError();
    }
    --m_burstPending;
    m_burstSummary->setText(
        tr("%1 of %2 answered…").arg(m_chart->answered()).arg(m_chart->expected()));
    if (m_burstPending == 0)
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
        cancel(reply, context().api);
    finishBurst(true);
}

void ApiPanel::finishBurst(bool stopped)
{
    m_burstPending = 0;
    m_burstReplies.clear();
    m_busy->stop();
    setBurstButton(false);
    const int instances = int(m_chart->counts().size());
    const int failed = m_chart->failures();
    const int answered = m_chart->answered() - failed;
    const QString instanceCount =
        instances == 1 ? tr("1 instance") : tr("%1 instances").arg(instances);
    QString text = tr("%1 of %2 requests answered by %3 in %4")
                       .arg(answered)
                       .arg(m_chart->expected())
                       .arg(instanceCount, DisplayFormat::duration(double(m_burstClock.elapsed())));
    if (failed)
        text += tr(" · %1 failed").arg(failed);
    if (stopped)
        text += tr(" · stopped");
    m_burstSummary->setText(text);
    m_time->setText(DisplayFormat::duration(double(m_burstClock.elapsed())));
    m_size->setText(QStringLiteral("—"));
    m_instance->setText(instanceCount);
    if (failed) {
        m_status->set(tr("%1 failed").arg(failed), StatusBadge::Tone::Bad);
        m_error->showMessage(MessageBanner::Tone::Error,
                             tr("First failure: %1").arg(m_burstFirstError));
    } else if (stopped) {
        m_status->set(tr("stopped"), StatusBadge::Tone::Neutral);
    } else {
        m_status->set(tr("all answered"), StatusBadge::Tone::Good);
    }
}

} // namespace edgedesk
