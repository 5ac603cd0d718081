#include "containers/instancelog.h"

#include "apiclient.h"
#include "widgets/logdelegate.h"
#include "widgets/logmodel.h"
#include "widgets/logview.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QNetworkReply>
#include <QStackedWidget>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

InstanceLog::InstanceLog(ApiClient *api, QWidget *parent) : QWidget(parent), m_api(api)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    auto *bar = new QHBoxLayout;
    m_title = new QLabel(tr("Log"), this);
    m_title->setObjectName(QStringLiteral("containersLogTitle"));
    QFont titleFont = m_title->font();
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_follow = new QToolButton(this);
    m_follow->setObjectName(QStringLiteral("containersFollow"));
    m_follow->setText(tr("Follow"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest line in view"));
    auto *openLogs = new QToolButton(this);
    openLogs->setText(tr("All logs…"));
    openLogs->setToolTip(tr("Open the Logs section with every source"));
    openLogs->setAutoRaise(true);
    bar->addWidget(m_title, 1);
    bar->addWidget(m_follow);
    bar->addWidget(openLogs);
    layout->addLayout(bar);
    m_stack = new QStackedWidget(this);
    m_log = new LogView(m_stack);
    m_log->setObjectName(QStringLiteral("containersLog"));
    m_log->logDelegate()->setShowSource(false);
    m_log->logModel()->setCapacity(5000);
    m_empty = new QLabel(m_stack);
    m_empty->setObjectName(QStringLiteral("containersLogEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_log);
    m_stack->addWidget(m_empty);
    layout->addWidget(m_stack, 1);

    connect(openLogs, &QToolButton::clicked, this, &InstanceLog::openAllLogs);
    connect(m_follow, &QToolButton::toggled, m_log, &LogView::setFollow);
    connect(m_log, &LogView::followChanged, m_follow, &QToolButton::setChecked);
    m_flush.setInterval(150);
    connect(&m_flush, &QTimer::timeout, this, &InstanceLog::flush);
    m_flush.start();
}

void InstanceLog::follow(const QString &source, const QString &className, const QString &id)
{
    if (source == m_source && !source.isEmpty())
        return;
    m_source = source;
    m_className = className;
    m_id = id;
    m_log->clear();
    m_pending.clear();
    m_loadedSeq = 0;
    if (source.isEmpty()) {
        m_title->setText(tr("Log"));
        m_empty->setText(tr("Select an instance above to follow its log here."));
        m_stack->setCurrentWidget(m_empty);
        return;
    }
    m_title->setText(tr("Log — %1").arg(source));
    load();
}

void InstanceLog::reload()
{
    if (!m_source.isEmpty())
        load();
}

void InstanceLog::load()
{
    // A newer load (another selection, a server restart) makes earlier answers moot.
    const int generation = ++m_generation;
    if (m_request)
        m_request->abort();
    m_loading = true;
    m_empty->setText(tr("Loading the log of %1…").arg(m_source));
    m_stack->setCurrentWidget(m_empty);
    const QString source = m_source;
    const QString path = QStringLiteral("/__edgedesk/v1/containers/%1/%2/logs?tail=200")
                             .arg(QString::fromUtf8(QUrl::toPercentEncoding(m_className)),
                                  QString::fromUtf8(QUrl::toPercentEncoding(m_id)));
    m_request = m_api->get(path, this, [this, source, generation](const ApiResponse &r) {
        if (generation != m_generation || (r.ok() && showTail(r.body, generation)))
            return;
        // Older servers only have the merged log endpoint; it filters by the same source name.
        m_request = m_api->get(
            QStringLiteral("/__edgedesk/v1/logs?tail=200&source=%1")
                .arg(QString::fromUtf8(QUrl::toPercentEncoding(source))),
            this, [this, source, generation, first = r](const ApiResponse &r2) {
                if (generation != m_generation || (r2.ok() && showTail(r2.body, generation)))
                    return;
                m_loading = false;
                m_empty->setText(
                    tr("Could not load the log of %1: %2").arg(source, first.describeError()));
                m_stack->setCurrentWidget(m_empty);
            });
    });
}

bool InstanceLog::showTail(const QByteArray &body, int generation)
{
    if (generation != m_generation)
        return true;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    QJsonArray lines;
    if (doc.isArray())
        lines = doc.array();
    else
        lines = doc.object().value(QStringLiteral("lines")).toArray();
    if (lines.isEmpty() && doc.object().contains(QStringLiteral("entries")))
        lines = doc.object().value(QStringLiteral("entries")).toArray();
    QList<LogEntry> entries;
    for (const QJsonValue &v : lines) {
        LogEntry e = LogModel::fromJson(v.toObject());
        if (e.source.isEmpty())
            e.source = m_source;
        entries.append(std::move(e));
    }
    m_log->clear();
    m_log->append(entries);
    m_loadedSeq = entries.isEmpty() ? 0 : entries.constLast().seq;
    m_loading = false;
    flush();
    return true;
}

void InstanceLog::add(const LogEntry &entry)
{
    if (m_source.isEmpty() || entry.source != m_source)
        return;
    m_pending.append(entry);
    if (m_pending.size() > 10000)
        m_pending.remove(0, m_pending.size() - 5000);
}

void InstanceLog::flush()
{
    if (m_loading || m_source.isEmpty())
        return;
    if (!m_pending.isEmpty()) {
        QList<LogEntry> newer;
        for (const LogEntry &e : std::as_const(m_pending)) {
            if (e.seq > m_loadedSeq)
                newer.append(e);
        }
        m_pending.clear();
        if (!newer.isEmpty()) {
            m_loadedSeq = newer.constLast().seq;
            m_log->append(newer);
        }
    }
    if (m_log->logModel()->size() > 0) {
        m_stack->setCurrentWidget(m_log);
        return;
    }
    m_empty->setText(m_running ? tr("%1 has written nothing yet.").arg(m_source)
                               : tr("No output from %1 yet. Instances start on the first "
                                    "request — send one from the API or Linux command "
                                    "section, or press Start.")
                                     .arg(m_source));
    m_stack->setCurrentWidget(m_empty);
}

} // namespace edgedesk
