#include "containers/instancetree.h"

#include "containers/containertotals.h"
#include "containers/imageinfo.h"
#include "widgets/displayformat.h"
#include "widgets/sparkline.h"
#include "widgets/statusbadge.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>

namespace edgedesk {

namespace {

enum Column
{
    ColInstance,
    ColState,
    ColPid,
    ColPort,
    ColUptime,
    ColRequests,
    ColLastRequest,
    ColCpu,
    ColMemory,
    ColCount
};

QString formatAgo(qint64 ms)
{
    const qint64 ago = (QDateTime::currentMSecsSinceEpoch() - ms) / 1000;
    const QString time = QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
    if (ago < 0)
        return time;
    if (ago < 60)
        return QObject::tr("%1 (%2 s ago)").arg(time).arg(ago);
    if (ago < 3600)
        return QObject::tr("%1 (%2 min ago)").arg(time).arg(ago / 60);
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

// The time of an instance's last request: the durable storage value (ms, as a number or a
// numeric string) when there is one, else the manager's own ISO time.
qint64 lastRequestMs(const QJsonObject &instance)
{
    const QJsonValue stored = instance.value(QStringLiteral("storage"))
                                  .toObject()
                                  .value(QStringLiteral("lastRequestTimestamp"));
    if (stored.isDouble())
        return qint64(stored.toDouble());
    if (stored.isString()) {
        bool ok = false;
        const qint64 v = stored.toString().toLongLong(&ok);
        if (ok)
            return v;
        const QDateTime dt = QDateTime::fromString(stored.toString(), Qt::ISODateWithMs);
        if (dt.isValid())
            return dt.toMSecsSinceEpoch();
    }
    const QDateTime dt = QDateTime::fromString(
        instance.value(QStringLiteral("last_request")).toString(), Qt::ISODateWithMs);
    return dt.isValid() ? dt.toMSecsSinceEpoch() : 0;
}

QWidget *chartCell(QWidget *parent, Sparkline **chart, QLabel **label, const QColor &colour,
                   const QString &widest)
{
    auto *cell = new QWidget(parent);
    auto *layout = new QHBoxLayout(cell);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(6);
    *chart = new Sparkline(cell);
    (*chart)->setCapacity(InstanceTree::kHistory);
    (*chart)->setColor(colour);
    *label = new QLabel(cell);
    (*label)->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    (*label)->setMinimumWidth((*label)->fontMetrics().horizontalAdvance(widest));
    layout->addWidget(*chart, 1);
    layout->addWidget(*label);
    return cell;
}

} // namespace

InstanceTree::InstanceTree(QWidget *parent) : QStackedWidget(parent)
{
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("containersTree"));
    m_tree->setColumnCount(ColCount);
    m_tree->setHeaderLabels({tr("Instance"), tr("State"), tr("PID"), tr("Port"), tr("Uptime"),
                             tr("Requests"), tr("Last request"), tr("CPU"), tr("Memory")});
    m_tree->setRootIsDecorated(false);
    m_tree->setItemsExpandable(false);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setAlternatingRowColors(true);
    const int ch = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(false);
    header->resizeSection(ColInstance, ch * 16);
    header->resizeSection(ColState, ch * 20);
    header->resizeSection(ColPid, ch * 8);
    header->resizeSection(ColPort, ch * 7);
    header->resizeSection(ColUptime, ch * 11);
    header->resizeSection(ColRequests, ch * 12);
    header->resizeSection(ColLastRequest, ch * 19);
    header->setSectionResizeMode(ColCpu, QHeaderView::Stretch);
    header->setSectionResizeMode(ColMemory, QHeaderView::Stretch);
    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("containersEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setTextFormat(Qt::PlainText);
    addWidget(m_tree);
    addWidget(m_empty);
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &InstanceTree::selectionChanged);
}

void InstanceTree::showMessage(const QString &text)
{
    m_empty->setText(text);
    setCurrentWidget(m_empty);
}

void InstanceTree::applyStatus(const QJsonObject &status)
{
    const QJsonArray classes = status.value(QStringLiteral("classes")).toArray();
    if (classes.isEmpty()) {
        showMessage(tr("No container classes in this configuration.\nAdd a \"containers\" entry "
                       "and a durable_objects binding to the wrangler.jsonc file to run one."));
        m_rows.clear();
        m_tree->clear();
        m_layoutKey.clear();
        Q_EMIT selectionChanged();
        return;
    }
    setCurrentWidget(m_tree);

    QStringList key;
    for (const QJsonValue &c : classes) {
        const QJsonObject cls = c.toObject();
        const QString binding = cls.value(QStringLiteral("binding")).toString();
        key.append(cls.value(QStringLiteral("class_name")).toString() + QLatin1Char('|') + binding);
        for (const QJsonValue &i : cls.value(QStringLiteral("instances")).toArray())
            key.append(binding + QLatin1Char('/') +
                       i.toObject().value(QStringLiteral("id")).toString());
    }
    if (key != m_layoutKey) {
        m_layoutKey = key;
        rebuild(classes);
    }

    for (int c = 0; c < classes.size(); ++c) {
        const QJsonObject cls = classes[c].toObject();
        const QString binding = cls.value(QStringLiteral("binding")).toString();
        int up = 0;
        for (const QJsonValue &v : cls.value(QStringLiteral("instances")).toArray()) {
            const QJsonObject instance = v.toObject();
            auto it = m_rows.find(binding + QLatin1Char('/') +
                                  instance.value(QStringLiteral("id")).toString());
            if (it == m_rows.end())
                continue;
            updateRow(*it, instance);
            if (ContainerTotals::isUp(it->instance.state))
                ++up;
        }
        if (QTreeWidgetItem *classItem = m_tree->topLevelItem(c))
            updateClassRow(classItem, cls, up);
    }
}

void InstanceTree::updateClassRow(QTreeWidgetItem *item, const QJsonObject &cls, int up)
{
    const QString image = cls.contains(QStringLiteral("url"))
                              ? cls.value(QStringLiteral("url")).toString()
                              : cls.value(QStringLiteral("image")).toString();
    const int max = ContainerTotals::of(cls).max;
    QString text = tr("%1  ·  binding %2  ·  %3  ·  %4 of %5 running")
                       .arg(cls.value(QStringLiteral("class_name")).toString(),
                            cls.value(QStringLiteral("binding")).toString(),
                            cls.contains(QStringLiteral("image_info")) ? tr("image") : image)
                       .arg(up)
                       .arg(max);
    if (const QString limits = ImageInfo::limits(cls); !limits.isEmpty())
        text += QStringLiteral("  ·  ") + limits;
    if (const QString summary = ImageInfo::summary(cls); !summary.isEmpty())
        text += QLatin1Char('\n') + summary;
    item->setText(ColInstance, text);
    const qint64 sleepMs = qint64(cls.value(QStringLiteral("sleep_after_ms")).toDouble());
    QString tip = tr("Instances start on the first request");
    if (sleepMs > 0)
        tip += tr(" and stop after %1 without requests").arg(DisplayFormat::duration(sleepMs));
    tip += QLatin1Char('.');
    if (const QString details = ImageInfo::details(cls); !details.isEmpty())
        tip += QStringLiteral("\n\n") + details;
    item->setToolTip(ColInstance, tip);
}

void InstanceTree::rebuild(const QJsonArray &classes)
{
    const QString selected = selectedSource().isEmpty() ? m_wanted : selectedSource();
    QHash<QString, Row> old;
    old.swap(m_rows);
    QSignalBlocker block(m_tree);
    m_tree->clear();
    const int rowHeight = int(fontMetrics().height() * 1.9);
    QFont bold = font();
    bold.setWeight(QFont::DemiBold);
    QTreeWidgetItem *toSelect = nullptr;
    for (const QJsonValue &c : classes) {
        const QJsonObject cls = c.toObject();
        const QString className = cls.value(QStringLiteral("class_name")).toString();
        const QString binding = cls.value(QStringLiteral("binding")).toString();
        auto *classItem = new QTreeWidgetItem(m_tree);
        classItem->setFont(ColInstance, bold);
        classItem->setFlags(Qt::ItemIsEnabled);
        // A class that runs an image shows it on a second line.
        const bool twoLines = cls.contains(QStringLiteral("image_info"));
        classItem->setSizeHint(
            ColInstance,
            QSize(0, twoLines ? int(fontMetrics().height() * 2.8) : rowHeight));
        classItem->setFirstColumnSpanned(true);
        classItem->setExpanded(true);
        for (const QJsonValue &v : cls.value(QStringLiteral("instances")).toArray()) {
            Row row;
            row.instance = {className, binding, v.toObject().value(QStringLiteral("id")).toString(),
                            QString()};
            const QString source = row.instance.source();
            if (auto it = old.find(source); it != old.end()) {
                row.cpuHistory = it->cpuHistory;
                row.rssHistory = it->rssHistory;
                row.lastSampleMs = it->lastSampleMs;
            }
            row.item = new QTreeWidgetItem(classItem);
            row.item->setText(ColInstance, row.instance.id);
            row.item->setData(ColInstance, Qt::UserRole, source);
            row.item->setSizeHint(ColInstance, QSize(0, rowHeight));
            for (int col : {ColPid, ColPort, ColUptime, ColRequests})
                row.item->setTextAlignment(col, Qt::AlignRight | Qt::AlignVCenter);

            auto *badgeCell = new QWidget(m_tree);
            auto *badgeLayout = new QHBoxLayout(badgeCell);
            badgeLayout->setContentsMargins(4, 2, 4, 2);
            row.badge = new StatusBadge(badgeCell);
            badgeLayout->addWidget(row.badge);
            badgeLayout->addStretch(1);
            m_tree->setItemWidget(row.item, ColState, badgeCell);
            m_tree->setItemWidget(row.item, ColCpu,
                                  chartCell(m_tree, &row.cpu, &row.cpuLabel,
                                            QColor(0x3b, 0x6f, 0xd8), QStringLiteral("100.0 %")));
            m_tree->setItemWidget(row.item, ColMemory,
                                  chartCell(m_tree, &row.rss, &row.rssLabel,
                                            QColor(0x8a, 0x4f, 0xc9), QStringLiteral("1023 MiB")));
            row.rss->setScaleFloor(16.0 * 1024 * 1024);
            row.cpu->setValues(row.cpuHistory);
            row.rss->setValues(row.rssHistory);
            if (source == selected)
                toSelect = row.item;
            m_rows.insert(source, row);
        }
    }
    m_tree->expandAll();
    block.unblock();
    if (toSelect) {
        m_tree->setCurrentItem(toSelect);
        m_wanted.clear();
    } else {
        Q_EMIT selectionChanged();
    }
}

void InstanceTree::updateRow(Row &row, const QJsonObject &instance)
{
    row.instance.state = instance.value(QStringLiteral("state")).toString();
    const QString &state = row.instance.state;
    const QJsonValue exitCode = instance.value(QStringLiteral("exit_code"));
    StatusBadge::Tone tone = StatusBadge::Tone::Neutral;
    QString label = state;
    if (state == QLatin1String("healthy") || state == QLatin1String("running"))
        tone = StatusBadge::Tone::Good;
    else if (state == QLatin1String("starting") || state == QLatin1String("stopping"))
        tone = StatusBadge::Tone::Busy;
    else if (state == QLatin1String("stopped_with_code")) {
        tone = exitCode.toInt() == 0 ? StatusBadge::Tone::Neutral : StatusBadge::Tone::Bad;
        label = tr("stopped · code %1").arg(exitCode.toInt());
    } else if (state != QLatin1String("stopped"))
        tone = StatusBadge::Tone::Warning;
    row.badge->set(label, tone);

    const bool up = ContainerTotals::isUp(state) || state == QLatin1String("stopping");
    const int pid = instance.value(QStringLiteral("pid")).toInt();
    const int port = instance.value(QStringLiteral("port")).toInt();
    const double uptime = instance.value(QStringLiteral("uptime_s")).toDouble(-1);
    row.item->setText(ColPid, up && pid > 0 ? QString::number(pid) : QStringLiteral("—"));
    row.item->setText(ColPort, up && port > 0 ? QString::number(port) : QStringLiteral("—"));
    row.item->setText(ColUptime, up && uptime >= 0 ? DisplayFormat::duration(uptime * 1000.0)
                                                   : QStringLiteral("—"));
    const QLocale locale;
    const qint64 requests = qint64(instance.value(QStringLiteral("requests")).toDouble());
    const int inFlight = instance.value(QStringLiteral("in_flight")).toInt();
    row.item->setText(ColRequests,
                      inFlight > 0
                          ? tr("%1 (%2 active)").arg(locale.toString(requests)).arg(inFlight)
                          : locale.toString(requests));
    const qint64 last = lastRequestMs(instance);
    row.item->setText(ColLastRequest, last > 0 ? formatAgo(last) : tr("never"));
    const QJsonObject storage = instance.value(QStringLiteral("storage")).toObject();
    row.item->setToolTip(
        ColLastRequest,
        storage.isEmpty()
            ? QString()
            : tr("Durable storage: %1")
                  .arg(QString::fromUtf8(QJsonDocument(storage).toJson(QJsonDocument::Compact))));

    const double cpu = up ? instance.value(QStringLiteral("cpu_percent")).toDouble() : 0.0;
    const double rss = up ? instance.value(QStringLiteral("rss_bytes")).toDouble() : 0.0;
    row.cpuLabel->setText(up ? QStringLiteral("%1 %").arg(cpu, 0, 'f', 1) : QStringLiteral("—"));
    row.rssLabel->setText(up ? DisplayFormat::bytes(qint64(rss)) : QStringLiteral("—"));
    // One sample per poll period at most, so pushes from containersChanged between polls do not
    // squeeze the time axis.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - row.lastSampleMs >= kPollMs / 2) {
        row.lastSampleMs = now;
        row.cpuHistory.append(cpu);
        row.rssHistory.append(rss);
        while (row.cpuHistory.size() > kHistory)
            row.cpuHistory.removeFirst();
        while (row.rssHistory.size() > kHistory)
            row.rssHistory.removeFirst();
        row.cpu->setValues(row.cpuHistory);
        row.rss->setValues(row.rssHistory);
    }
}

QString InstanceTree::selectedSource() const
{
    const QList<QTreeWidgetItem *> items = m_tree->selectedItems();
    if (items.isEmpty())
        return {};
    return items.first()->data(ColInstance, Qt::UserRole).toString();
}

const InstanceTree::Instance *InstanceTree::selectedInstance() const
{
    const auto it = m_rows.constFind(selectedSource());
    return it == m_rows.cend() ? nullptr : &it->instance;
}

QString InstanceTree::instanceState(const QString &binding, const QString &id) const
{
    const auto it = m_rows.constFind(binding + QLatin1Char('/') + id);
    return it == m_rows.cend() ? QString() : it->instance.state;
}

bool InstanceTree::selectInstance(const QString &binding, const QString &id)
{
    const auto it = m_rows.constFind(binding + QLatin1Char('/') + id);
    if (it == m_rows.cend())
        return false;
    m_tree->setCurrentItem(it->item);
    return true;
}

} // namespace edgedesk
