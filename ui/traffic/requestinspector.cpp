#include "traffic/requestinspector.h"

#include "logging/loghub.h"
#include "panel.h"
#include "widgets/displayformat.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cstdlib>

namespace edgedesk {

namespace {

QTreeWidget *headerTree(const QString &name, QWidget *parent)
{
    auto *tree = new QTreeWidget(parent);
    tree->setObjectName(name);
    tree->setRootIsDecorated(false);
    tree->setColumnCount(2);
    tree->setHeaderLabels({QObject::tr("Name"), QObject::tr("Value")});
    tree->setUniformRowHeights(true);
    tree->setWordWrap(false);
    tree->setTextElideMode(Qt::ElideRight);
    tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    tree->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return tree;
}

void fillHeaders(QTreeWidget *tree, const TrafficHeaders &headers)
{
    tree->clear();
    for (const auto &h : headers) {
        auto *item = new QTreeWidgetItem(tree);
        item->setText(0, QString::fromLatin1(h.first));
        item->setText(1, QString::fromUtf8(h.second));
        item->setToolTip(1, QString::fromUtf8(h.second));
    }
}

} // namespace

RequestInspector::RequestInspector(QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_stack = new QStackedWidget(this);
    outer->addWidget(m_stack);

    m_placeholder = new QLabel(tr("Select a request to see its headers, where its time went and "
                                  "the log of the instance that served it."),
                               m_stack);
    m_placeholder->setObjectName(QStringLiteral("trafficInspectorEmpty"));
    m_placeholder->setWordWrap(true);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_placeholder);

    auto *page = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(6, 0, 0, 0);
    m_summary = new QLabel(page);
    m_summary->setObjectName(QStringLiteral("trafficInspectorSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_timing = new QLabel(page);
    m_timing->setObjectName(QStringLiteral("trafficInspectorTiming"));
    m_timing->setWordWrap(true);
    m_instance = new QLabel(page);
    m_instance->setObjectName(QStringLiteral("trafficInspectorInstance"));
    m_instance->setWordWrap(true);
    layout->addWidget(m_summary);
    layout->addWidget(m_timing);
    layout->addWidget(m_instance);

    auto *buttons = new QHBoxLayout;
    m_openInApi =
        new QPushButton(Panel::themedIcon(QStringLiteral("api")), tr("Open in API"), page);
    m_openInApi->setObjectName(QStringLiteral("trafficOpenInApi"));
    m_openInApi->setToolTip(tr("Put this request in the API section's builder (its body is not "
                               "recorded)"));
    m_copyCurl =
        new QPushButton(Panel::themedIcon(QStringLiteral("copy")), tr("Copy as curl"), page);
    m_copyCurl->setObjectName(QStringLiteral("trafficCopyCurl"));
    m_copyCurl->setToolTip(tr("Copy this request as a curl command"));
    buttons->addWidget(m_openInApi);
    buttons->addWidget(m_copyCurl);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_tabs = new QTabWidget(page);
    m_tabs->setObjectName(QStringLiteral("trafficInspectorTabs"));
    m_tabs->setDocumentMode(true);
    m_requestHeaders = headerTree(QStringLiteral("trafficRequestHeaders"), m_tabs);
    m_responseHeaders = headerTree(QStringLiteral("trafficResponseHeaders"), m_tabs);
    m_log = new QPlainTextEdit(m_tabs);
    m_log->setObjectName(QStringLiteral("trafficInstanceLog"));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tabs->addTab(m_requestHeaders, tr("Request headers"));
    m_tabs->addTab(m_responseHeaders, tr("Response headers"));
    m_tabs->addTab(m_log, tr("Instance log"));
    layout->addWidget(m_tabs, 1);
    m_stack->addWidget(page);

    connect(m_openInApi, &QPushButton::clicked, this, [this] {
        if (m_has)
            Q_EMIT openInApiRequested(m_record);
    });
    connect(m_copyCurl, &QPushButton::clicked, this, [this] {
        if (m_has)
            Q_EMIT copyCurlRequested(m_record);
    });
}

void RequestInspector::clear()
{
    m_has = false;
    m_record = {};
    m_stack->setCurrentIndex(0);
}

QString RequestInspector::timingText(const TrafficRecord &r)
{
    const double total = double(r.durationUs) / 1000.0;
    if (r.queueUs < 0)
        return tr("Total %1 (answered by the server itself)").arg(DisplayFormat::duration(total));
    const double queue = double(r.queueUs) / 1000.0;
    return tr("Queue %1 · Instance %2 · Total %3")
        .arg(DisplayFormat::duration(queue), DisplayFormat::duration(total - queue),
             DisplayFormat::duration(total));
}

ApiHeaders RequestInspector::replayHeaders(const TrafficHeaders &headers)
{
    static const QByteArrayList own{
        "host",   "content-length", "connection",          "keep-alive", "transfer-encoding",
        "expect", "authorization",  "proxy-authorization", "cookie",     "accept-encoding",
        "upgrade"};
    ApiHeaders out;
    for (const auto &h : headers) {
        if (!own.contains(h.first.toLower()))
            out.append(h);
    }
    return out;
}

void RequestInspector::showRecord(const TrafficRecord &record, const LogHub *logs)
{
    m_record = record;
    m_has = true;
    m_summary->setText(QStringLiteral("<b>%1 %2</b><br>%3 · %4 · %5 in, %6 out")
                           .arg(record.method.toHtmlEscaped(), record.path.toHtmlEscaped(),
                                DisplayFormat::httpStatus(record.status).toHtmlEscaped(),
                                record.route.toHtmlEscaped(), DisplayFormat::bytes(record.bytesIn),
                                DisplayFormat::bytes(record.bytesOut)));
    m_timing->setText(timingText(record));
    const QString binding = record.binding.isEmpty() ? tr("no binding") : record.binding;
    if (record.instance.isEmpty())
        m_instance->setText(tr("Served by EdgeDesk itself (%1)").arg(binding));
    else if (record.queueUs < 0)
        m_instance->setText(tr("Served in process by %1 (%2)").arg(record.instance, binding));
    else
        m_instance->setText(tr("Instance: %1 of %2").arg(record.instance, binding));
    fillHeaders(m_requestHeaders, record.requestHeaders);
    fillHeaders(m_responseHeaders, record.responseHeaders);
    fillLog(logs);
    m_stack->setCurrentIndex(1);
}

void RequestInspector::fillLog(const LogHub *logs)
{
    m_log->clear();
    if (m_record.instance.isEmpty() || !logs) {
        m_log->setPlaceholderText(tr("No instance served this request, so there is no instance "
                                     "log for it."));
        return;
    }
    const QString source = m_record.binding + QLatin1Char('/') + m_record.instance;
    const qint64 end = m_record.timeMs;
    const qint64 start = end - m_record.durationUs / 1000;
    QList<LogEntry> around;
    for (const LogEntry &e : logs->tail(2000, source)) {
        if (e.timeMs >= start - kLogMarginMs && e.timeMs <= end + kLogMarginMs)
            around.append(e);
    }
    // The lines nearest to the request when there are too many.
    if (around.size() > kMaxLogLines) {
        std::stable_sort(around.begin(), around.end(),
                         [start](const LogEntry &a, const LogEntry &b) {
                             return std::abs(a.timeMs - start) < std::abs(b.timeMs - start);
                         });
        around.resize(kMaxLogLines);
        std::stable_sort(around.begin(), around.end(),
                         [](const LogEntry &a, const LogEntry &b) { return a.seq < b.seq; });
    }
    m_log->setPlaceholderText(tr("%1 wrote nothing between %2 s before and %2 s after this "
                                 "request.")
                                  .arg(source)
                                  .arg(kLogMarginMs / 1000));
    QStringList lines;
    for (const LogEntry &e : std::as_const(around)) {
        const QString marker =
            e.timeMs >= start && e.timeMs <= end ? QStringLiteral("▶") : QStringLiteral(" ");
        lines.append(QStringLiteral("%1 %2 %3 %4")
                         .arg(marker,
                              QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(
                                  QStringLiteral("HH:mm:ss.zzz")),
                              e.level.leftJustified(7), e.message));
    }
    m_log->setPlainText(lines.join(QLatin1Char('\n')));
}

} // namespace edgedesk
