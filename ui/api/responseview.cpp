#include "api/responseview.h"

#include "widgets/burstchart.h"
#include "widgets/displayformat.h"
#include "widgets/elapsedindicator.h"
#include "widgets/jsonview.h"
#include "widgets/labels.h"
#include "widgets/messagebanner.h"
#include "widgets/statusbadge.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

constexpr qsizetype kBodyViewBytes = 512 * 1024;

} // namespace

ResponseView::ResponseView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);
    auto *summary = new QHBoxLayout;
    summary->setSpacing(6);
    m_status = new StatusBadge(this);
    m_status->setObjectName(QStringLiteral("apiStatus"));
    summary->addWidget(m_status);
    m_time = addCaptionedValue(summary, tr("Time"), QStringLiteral("apiTime"), this);
    m_size = addCaptionedValue(summary, tr("Size"), QStringLiteral("apiSize"), this);
    m_instance = addCaptionedValue(summary, tr("Instance"), QStringLiteral("apiInstance"), this);
    summary->addSpacing(10);
    m_busy = new ElapsedIndicator(this);
    m_busy->setObjectName(QStringLiteral("apiBusy"));
    summary->addWidget(m_busy);
    summary->addStretch(1);
    layout->addLayout(summary);
    m_error = new MessageBanner(this);
    m_error->setObjectName(QStringLiteral("apiError"));
    layout->addWidget(m_error);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("apiResponseTabs"));
    m_tabs->setDocumentMode(true);
    m_body = new JsonView(m_tabs);
    m_body->setObjectName(QStringLiteral("apiBody"));
    m_body->setPlaceholderText(
        tr("Pick a request above and press Send (Ctrl+Enter).\n\nThe answer shows here, "
           "pretty-printed, with its status, time, size and the container instance that served "
           "it. Burst sends many copies at once to show how they spread over the instances."));
    m_headers = new QTreeWidget(m_tabs);
    m_headers->setObjectName(QStringLiteral("apiResponseHeaders"));
    m_headers->setColumnCount(2);
    m_headers->setHeaderLabels({tr("Header"), tr("Value")});
    m_headers->setRootIsDecorated(false);
    m_headers->setAlternatingRowColors(true);
    m_headers->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_burstPage = new QWidget(m_tabs);
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
    m_tabs->addTab(m_body, tr("Body"));
    m_tabs->addTab(m_headers, tr("Headers"));
    m_tabs->addTab(m_burstPage, tr("Burst"));
    layout->addWidget(m_tabs, 1);
}

void ResponseView::showSending()
{
    m_error->clear();
    m_status->set(tr("sending"), StatusBadge::Tone::Busy);
    m_busy->start(tr("Waiting…"));
}

void ResponseView::showCancelled()
{
    m_busy->stop();
    m_status->set(tr("cancelled"), StatusBadge::Tone::Neutral);
}

void ResponseView::showError(const QString &message)
{
    m_error->showMessage(MessageBanner::Tone::Error, message);
}

void ResponseView::clearError()
{
    m_error->clear();
}

void ResponseView::showResponse(const ApiResponse &response, const QString &instance)
{
    m_busy->stop();
    m_status->set(DisplayFormat::httpStatus(response.status),
                  StatusBadge::toneForHttpStatus(response.status));
    m_time->setText(DisplayFormat::duration(double(response.elapsedMs)));
    m_size->setText(response.status == 0 ? QStringLiteral("—")
                                         : DisplayFormat::bytes(response.body.size()));
    m_instance->setText(instance.isEmpty() ? QStringLiteral("—") : instance);
    if (!response.ok())
        showError(response.describeError());
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
    m_tabs->setTabText(1, tr("Headers (%1)").arg(response.headers.size()));
    if (m_tabs->currentWidget() == m_burstPage)
        m_tabs->setCurrentWidget(m_body);
}

void ResponseView::startBurst(int count)
{
    m_error->clear();
    m_chart->reset(count);
    m_burstFirstError.clear();
    m_tabs->setCurrentWidget(m_burstPage);
    m_burstSummary->setText(tr("Sending %1 requests…").arg(count));
    m_status->set(tr("burst"), StatusBadge::Tone::Busy);
    m_busy->start(tr("Burst…"));
}

void ResponseView::addBurstAnswer(const ApiResponse &response, const QString &instance)
{
    if (response.ok()) {
        m_chart->addAnswer(instance);
    } else {
        m_chart->addFailure();
        if (m_burstFirstError.isEmpty())
            m_burstFirstError = response.describeError();
    }
    m_burstSummary->setText(
        tr("%1 of %2 answered…").arg(m_chart->answered()).arg(m_chart->expected()));
}

void ResponseView::finishBurst(bool stopped, qint64 elapsedMs)
{
    m_busy->stop();
    const int instances = int(m_chart->counts().size());
    const int failed = m_chart->failures();
    const int answered = m_chart->answered() - failed;
    const QString instanceCount =
        DisplayFormat::count(instances, tr("1 instance"), tr("%1 instances"));
    const QString elapsed = DisplayFormat::duration(double(elapsedMs));
    QString text = tr("%1 of %2 requests answered by %3 in %4")
                       .arg(answered)
                       .arg(m_chart->expected())
                       .arg(instanceCount, elapsed);
    if (failed)
        text += tr(" · %1 failed").arg(failed);
    if (stopped)
        text += tr(" · stopped");
    m_burstSummary->setText(text);
    m_time->setText(elapsed);
    m_size->setText(QStringLiteral("—"));
    m_instance->setText(instanceCount);
    if (failed) {
        m_status->set(tr("%1 failed").arg(failed), StatusBadge::Tone::Bad);
        showError(tr("First failure: %1").arg(m_burstFirstError));
    } else if (stopped) {
        m_status->set(tr("stopped"), StatusBadge::Tone::Neutral);
    } else {
        m_status->set(tr("all answered"), StatusBadge::Tone::Good);
    }
}

} // namespace edgedesk
