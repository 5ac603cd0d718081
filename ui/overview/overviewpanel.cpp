#include "overview/overviewpanel.h"

#include "serverhost.h"
#include "widgets/sectionheading.h"
#include "widgets/sparkline.h"
#include "widgets/trafficfiltermodel.h"
#include "widgets/trafficmodel.h"

#include <QDateTime>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QNetworkReply>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace edgedesk {

namespace {

// containersChanged is being added to ServerHost by the container manager's author; follow it
// when this build has it and rely on polling otherwise.
template <typename Host, typename Receiver, typename Fn>
void connectContainersChanged(Host *host, Receiver *receiver, Fn fn)
{
    if constexpr (requires { &Host::containersChanged; })
        QObject::connect(host, &Host::containersChanged, receiver, fn);
}

QString formatMs(double ms)
{
    if (!std::isfinite(ms))
        return QStringLiteral("—");
    if (ms < 1)
        return QStringLiteral("%1 µs").arg(qRound(ms * 1000));
    if (ms < 10)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', 2);
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms, 0, 'f', 1);
    return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 2);
}

// "1 request", "12 requests" (no translation catalogue supplies plural forms here).
QString count(qint64 n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(QLocale().toString(n));
}

QLabel *bigNumber(QWidget *parent)
{
    auto *label = new QLabel(QStringLiteral("0"), parent);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 1.9);
    f.setWeight(QFont::DemiBold);
    label->setFont(f);
    return label;
}

QLabel *mutedLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setWordWrap(true);
    return label;
}

const QString kSettingsLink = QStringLiteral("<a href=\"settings\">%1</a>");

} // namespace

OverviewPanel::OverviewPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("overview"), tr("Overview"), QStringLiteral("overview"), context,
            parent),
      m_series(kWindowSeconds)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("overviewScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    scroll->setWidget(content);
    outer->addWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(0, 0, 4, 4);
    layout->setSpacing(12);

    auto *heading = new SectionHeading(tr("Overview"), QString(), content);
    m_intro = heading->descriptionLabel();
    m_intro->setObjectName(QStringLiteral("overviewIntro"));
    m_intro->setOpenExternalLinks(true);
    layout->addWidget(heading);

    // Activity: requests/s and p99 latency, one value per second over five minutes.
    auto *activity = new QHBoxLayout;
    auto card = [content](const QString &title, QLabel **value, QLabel **note, Sparkline **line,
                          const QColor &colour) {
        auto *box = new QGroupBox(title, content);
        auto *grid = new QGridLayout(box);
        *value = bigNumber(box);
        *note = mutedLabel(QString(), box);
        *line = new Sparkline(box);
        (*line)->setCapacity(kWindowSeconds);
        (*line)->setColor(colour);
        (*line)->setMinimumHeight(box->fontMetrics().height() * 3);
        grid->addWidget(*value, 0, 0);
        grid->addWidget(*note, 1, 0);
        grid->addWidget(*line, 0, 1, 2, 1);
        grid->setColumnStretch(1, 1);
        grid->setColumnMinimumWidth(0, box->fontMetrics().horizontalAdvance(QLatin1Char('0')) * 22);
        return box;
    };
    auto *rateBox = card(tr("Requests per second — last 5 minutes"), &m_rateValue, &m_rateNote,
                         &m_rateLine, QColor(0x3b, 0x6f, 0xd8));
    rateBox->setObjectName(QStringLiteral("overviewRate"));
    m_rateValue->setObjectName(QStringLiteral("overviewRateValue"));
    m_rateLine->setObjectName(QStringLiteral("overviewRateLine"));
    auto *latencyBox = card(tr("p99 latency — last 5 minutes"), &m_latencyValue, &m_latencyNote,
                            &m_latencyLine, QColor(0xd9, 0x82, 0x2b));
    latencyBox->setObjectName(QStringLiteral("overviewLatency"));
    m_latencyValue->setObjectName(QStringLiteral("overviewLatencyValue"));
    m_latencyLine->setObjectName(QStringLiteral("overviewLatencyLine"));
    m_latencyLine->setScaleFloor(1.0);
    activity->addWidget(rateBox, 1);
    activity->addWidget(latencyBox, 1);
    layout->addLayout(activity);

    auto *middle = new QHBoxLayout;
    auto *bindings = new QGroupBox(tr("Bindings"), content);
    bindings->setObjectName(QStringLiteral("overviewBindings"));
    auto *bindingsLayout = new QVBoxLayout(bindings);
    m_bindingGrid = new QGridLayout;
    m_bindingGrid->setHorizontalSpacing(14);
    m_bindingGrid->setVerticalSpacing(6);
    m_bindingGrid->setColumnStretch(3, 1);
    bindingsLayout->addLayout(m_bindingGrid);
    m_configNote = mutedLabel(QString(), bindings);
    m_configNote->setObjectName(QStringLiteral("overviewConfigNote"));
    m_configNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bindingsLayout->addWidget(m_configNote);
    bindingsLayout->addStretch(1);
    middle->addWidget(bindings, 2);

    auto *containers = new QGroupBox(tr("Containers"), content);
    containers->setObjectName(QStringLiteral("overviewContainers"));
    auto *containersLayout = new QVBoxLayout(containers);
    m_containers = new QLabel(tr("Waiting for the server…"), containers);
    m_containers->setObjectName(QStringLiteral("overviewContainerSummary"));
    m_containers->setWordWrap(true);
    m_containers->setTextFormat(Qt::RichText);
    m_containers->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto *openContainers = new QPushButton(tr("Open Containers"), containers);
    openContainers->setIcon(themedIcon(QStringLiteral("containers")));
    containersLayout->addWidget(m_containers, 1);
    containersLayout->addWidget(openContainers, 0, Qt::AlignLeft);
    middle->addWidget(containers, 1);
    layout->addLayout(middle);

    auto *errorsBox = new QGroupBox(tr("Last errors"), content);
    errorsBox->setObjectName(QStringLiteral("overviewErrorsBox"));
    auto *errorsLayout = new QVBoxLayout(errorsBox);
    m_errorStack = new QStackedWidget(errorsBox);
    m_errors = new QTreeWidget(m_errorStack);
    m_errors->setObjectName(QStringLiteral("overviewErrors"));
    m_errors->setRootIsDecorated(false);
    m_errors->setColumnCount(3);
    m_errors->setHeaderLabels({tr("Time"), tr("Where"), tr("What")});
    m_errors->setAlternatingRowColors(true);
    m_errors->setUniformRowHeights(true);
    const int ch = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_errors->header()->resizeSection(0, ch * 11);
    m_errors->header()->resizeSection(1, ch * 30);
    m_errors->setMinimumHeight(fontMetrics().height() * 8);
    m_errorsEmpty = mutedLabel(tr("No errors so far. Requests answered with status 500 or above "
                                  "and error lines from the log show up here."),
                               m_errorStack);
    m_errorsEmpty->setObjectName(QStringLiteral("overviewErrorsEmpty"));
    m_errorsEmpty->setAlignment(Qt::AlignCenter);
    m_errorStack->addWidget(m_errors);
    m_errorStack->addWidget(m_errorsEmpty);
    m_errorStack->setCurrentWidget(m_errorsEmpty);
    errorsLayout->addWidget(m_errorStack);
    layout->addWidget(errorsBox, 1);

    auto *f5 = new QShortcut(QKeySequence::Refresh, this);
    f5->setContext(Qt::WidgetWithChildrenShortcut);
    connect(f5, &QShortcut::activated, this, [this] {
        refresh();
        refreshActivity();
    });
    connect(openContainers, &QPushButton::clicked, this,
            [this] { Q_EMIT showSection(QStringLiteral("containers")); });

    ServerHost *host = this->context().host;
    connect(host, &ServerHost::trafficRecorded, this, &OverviewPanel::onRecord);
    connect(host, &ServerHost::logAppended, this, &OverviewPanel::onLog);
    connect(host, &ServerHost::stateChanged, this, [this] {
        if (!this->context().host->isServing())
            m_intro->setText(tr("The server is not running. Check the Settings section (port, "
                                "bind address) and the Logs section for the reason."));
    });
    connectContainersChanged(host, this,
                             [this](const QJsonObject &status) { applyContainers(status); });

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        if (!isVisible())
            return;
        refreshActivity();
        // The probes again now and then, so a binding that breaks (or gets fixed) shows here.
        if (this->context().host->isServing() &&
            QDateTime::currentMSecsSinceEpoch() - m_lastRefreshMs > 10000)
            refresh();
    });
    m_tick.start();
    m_containerPoll.setInterval(2000);
    connect(&m_containerPoll, &QTimer::timeout, this, [this] {
        if (!isVisible() || !this->context().host->isServing() || m_containerRequest)
            return;
        m_containerRequest = this->context().api->get(QStringLiteral("/__edgedesk/v1/containers"),
                                                      this, [this](const ApiResponse &r) {
                                                          if (r.ok())
                                                              applyContainers(r.json());
                                                      });
    });
    m_containerPoll.start();

    m_intro->setText(tr("Starting the server…"));
    refreshActivity();
}

void OverviewPanel::activated()
{
    // Opening the section re-checks the bindings (at most every two seconds).
    if (context().host->isServing() && QDateTime::currentMSecsSinceEpoch() - m_lastRefreshMs > 5000)
        refresh();
    refreshActivity();
}

void OverviewPanel::serverReady()
{
    const QString url = context().host->displayUrl();
    m_intro->setText(
        tr("EdgeDesk runs the whole demo stack on this machine at <a href=\"%1\">%1</a>: the "
           "router, two container classes, KV, a bucket with image transforms, AI, a service "
           "binding and a secrets store. Try a request in the <b>API</b> section (Ctrl+2) or "
           "open the web page; everything you do shows up below and in <b>Traffic</b>.")
            .arg(url.toHtmlEscaped()));
    refresh();
    if (!m_historyLoaded && !m_historyLoading)
        loadHistory();
}

void OverviewPanel::refresh()
{
    m_lastRefreshMs = QDateTime::currentMSecsSinceEpoch();
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        if (!r.ok()) {
            m_configNote->setText(
                tr("Could not read the configuration: %1").arg(r.describeError()));
            return;
        }
        applyConfig(r.json());
    });
}

OverviewPanel::BindingRow &OverviewPanel::row(const QString &name, const QString &kind)
{
    auto it = m_rows.find(name);
    if (it != m_rows.end()) {
        it->kind->setText(kind);
        return *it;
    }
    QWidget *parent = m_bindingGrid->parentWidget();
    BindingRow r;
    r.name = new QLabel(name, parent);
    QFont bold = r.name->font();
    bold.setWeight(QFont::DemiBold);
    r.name->setFont(bold);
    r.name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    r.kind = mutedLabel(kind, parent);
    r.kind->setWordWrap(false);
    r.badge = new StatusBadge(parent);
    r.badge->set(tr("checking…"), StatusBadge::Tone::Neutral);
    r.detail = new QLabel(parent);
    r.detail->setWordWrap(true);
    r.detail->setTextFormat(Qt::RichText);
    r.detail->setObjectName(QStringLiteral("overviewDetail_") + name);
    r.badge->setObjectName(QStringLiteral("overviewBadge_") + name);
    connect(r.detail, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("settings") || link == QLatin1String("containers") ||
            link == QLatin1String("secrets") || link == QLatin1String("logs"))
            Q_EMIT showSection(link);
    });
    const int line = int(m_rowOrder.size());
    m_bindingGrid->addWidget(r.name, line, 0);
    m_bindingGrid->addWidget(r.kind, line, 1);
    m_bindingGrid->addWidget(r.badge, line, 2, Qt::AlignLeft | Qt::AlignVCenter);
    m_bindingGrid->addWidget(r.detail, line, 3);
    m_rowOrder.append(name);
    return *m_rows.insert(name, r);
}

void OverviewPanel::setRow(const QString &name, const QString &text, StatusBadge::Tone tone,
                           const QString &detail)
{
    auto it = m_rows.find(name);
    if (it == m_rows.end())
        return;
    it->badge->set(text, tone);
    it->detail->setText(detail);
}

QString OverviewPanel::bindingState(const QString &name) const
{
    const auto it = m_rows.constFind(name);
    return it == m_rows.cend() ? QString() : it->badge->text();
}

QString OverviewPanel::bindingDetail(const QString &name) const
{
    const auto it = m_rows.constFind(name);
    return it == m_rows.cend() ? QString() : it->detail->text();
}

void OverviewPanel::probe(const QString &name, const QString &path,
                          std::function<QString(const ApiResponse &)> describe)
{
    context().api->get(path, this, [this, name, describe](const ApiResponse &r) {
        if (r.ok())
            setRow(name, tr("ready"), StatusBadge::Tone::Good, describe(r).toHtmlEscaped());
        else
            setRow(name, tr("error"), StatusBadge::Tone::Bad,
                   tr("%1 — see <a href=\"logs\">Logs</a>").arg(r.describeError().toHtmlEscaped()));
    });
}

void OverviewPanel::applyConfig(const QJsonObject &config)
{
    m_config = config;
    // Rows stay in place while the bindings are the same (no flicker on a refresh); another
    // configuration after a restart lays them out again.
    QStringList names;
    for (const char *section : {"containers", "kv_namespaces", "r2_buckets"}) {
        for (const QJsonValue &v : config.value(QLatin1String(section)).toArray())
            names.append(v.toObject().value(QStringLiteral("binding")).toString());
    }
    names.append(config.value(QStringLiteral("ai"))
                     .toObject()
                     .value(QStringLiteral("binding"))
                     .toString(QStringLiteral("AI")));
    for (const QJsonValue &v : config.value(QStringLiteral("services")).toArray())
        names.append(v.toObject().value(QStringLiteral("binding")).toString());
    names.append(config.value(QStringLiteral("secrets_store"))
                     .toObject()
                     .value(QStringLiteral("binding"))
                     .toString(QStringLiteral("SECRET_STORE")));
    names.append(QStringLiteral("ASSETS"));
    if (names != m_rowOrder) {
        for (const BindingRow &r : std::as_const(m_rows)) {
            delete r.name;
            delete r.kind;
            delete r.badge;
            delete r.detail;
        }
        m_rows.clear();
        m_rowOrder.clear();
    }

    const QString source = config.value(QStringLiteral("source")).toString();
    QString note = source.startsWith(QLatin1Char(':')) ? tr("Configuration: the built-in default.")
                                                       : tr("Configuration: %1").arg(source);
    const QJsonArray warnings = config.value(QStringLiteral("warnings")).toArray();
    for (const QJsonValue &w : warnings)
        note += QLatin1Char('\n') + tr("Warning: %1").arg(w.toString());
    m_configNote->setText(note);

    for (const QJsonValue &v : config.value(QStringLiteral("containers")).toArray()) {
        const QJsonObject c = v.toObject();
        const QString binding = c.value(QStringLiteral("binding")).toString();
        const QString program = c.contains(QStringLiteral("url"))
                                    ? c.value(QStringLiteral("url")).toString()
                                    : c.value(QStringLiteral("image")).toString();
        const bool fresh = !m_rows.contains(binding);
        row(binding, tr("Container · %1").arg(c.value(QStringLiteral("class_name")).toString()));
        if (fresh)
            setRow(binding, tr("idle"), StatusBadge::Tone::Neutral,
                   tr("%1, up to %2 instances, started on demand")
                       .arg(program.toHtmlEscaped())
                       .arg(c.value(QStringLiteral("max_instances")).toInt()));
    }
    for (const QJsonValue &v : config.value(QStringLiteral("kv_namespaces")).toArray()) {
        const QString binding = v.toObject().value(QStringLiteral("binding")).toString();
        const QString id = v.toObject().value(QStringLiteral("id")).toString();
        row(binding, tr("KV namespace"));
        probe(binding,
              QStringLiteral("/__edgedesk/v1/kv/%1/keys?limit=1")
                  .arg(QString::fromUtf8(QUrl::toPercentEncoding(binding))),
              [id](const ApiResponse &r) {
                  const bool empty = r.json().value(QStringLiteral("keys")).toArray().isEmpty();
                  return empty ? tr("namespace %1, empty").arg(id) : tr("namespace %1").arg(id);
              });
    }
    for (const QJsonValue &v : config.value(QStringLiteral("r2_buckets")).toArray()) {
        const QString binding = v.toObject().value(QStringLiteral("binding")).toString();
        const QString bucket = v.toObject().value(QStringLiteral("bucket_name")).toString();
        row(binding, tr("Bucket"));
        probe(binding,
              QStringLiteral("/__edgedesk/v1/r2/%1/objects?limit=1000")
                  .arg(QString::fromUtf8(QUrl::toPercentEncoding(binding))),
              [bucket](const ApiResponse &r) {
                  const QJsonObject json = r.json();
                  const int n = int(json.value(QStringLiteral("objects")).toArray().size());
                  const bool more = json.value(QStringLiteral("truncated")).toBool();
                  return tr("bucket %1, %2%3 objects, image transforms at /image")
                      .arg(bucket)
                      .arg(n)
                      .arg(more ? QStringLiteral("+") : QString());
              });
    }

    const QJsonObject ai = config.value(QStringLiteral("ai")).toObject();
    const QString aiBinding = ai.value(QStringLiteral("binding")).toString(QStringLiteral("AI"));
    const QString provider = ai.value(QStringLiteral("provider")).toString();
    const bool configured = ai.value(QStringLiteral("configured")).toBool(!provider.isEmpty());
    row(aiBinding, tr("AI inference"));
    if (configured) {
        QString detail = tr("%1 at %2")
                             .arg(ai.value(QStringLiteral("model")).toString(),
                                  ai.value(QStringLiteral("base_url")).toString())
                             .toHtmlEscaped();
        if (ai.value(QStringLiteral("source")).toString() == QLatin1String("ollama-probe"))
            detail += tr(" (a local Ollama found at start)");
        setRow(aiBinding, provider, StatusBadge::Tone::Good, detail);
    } else {
        setRow(aiBinding, tr("not configured"), StatusBadge::Tone::Warning,
               tr("/ai answers 503 until a provider is chosen — how to fix: %1")
                   .arg(kSettingsLink.arg(tr("choose one in Settings"))));
    }

    for (const QJsonValue &v : config.value(QStringLiteral("services")).toArray()) {
        const QJsonObject s = v.toObject();
        const QString binding = s.value(QStringLiteral("binding")).toString();
        row(binding, tr("Service binding"));
        const QString target = s.value(QStringLiteral("target")).toString();
        setRow(binding, tr("ready"), StatusBadge::Tone::Good,
               tr("%1 → %2 at /worker")
                   .arg(s.value(QStringLiteral("service")).toString(), target)
                   .toHtmlEscaped());
    }

    const QJsonObject secrets = config.value(QStringLiteral("secrets_store")).toObject();
    const QString secretsBinding =
        secrets.value(QStringLiteral("binding")).toString(QStringLiteral("SECRET_STORE"));
    row(secretsBinding, tr("Secrets store"));
    const QString keySecret =
        configured ? ai.value(QStringLiteral("api_key_secret")).toString() : QString();
    context().api->get(
        QStringLiteral("/__edgedesk/v1/secrets"), this,
        [this, secretsBinding, aiBinding, keySecret, provider](const ApiResponse &r) {
            if (!r.ok()) {
                setRow(secretsBinding, tr("error"), StatusBadge::Tone::Bad,
                       r.describeError().toHtmlEscaped());
                return;
            }
            QStringList names;
            for (const QJsonValue &s : r.json().value(QStringLiteral("secrets")).toArray())
                names.append(s.toObject().value(QStringLiteral("name")).toString());
            setRow(secretsBinding, tr("ready"), StatusBadge::Tone::Good,
                   names.isEmpty() ? tr("no secrets stored yet")
                                   : count(names.size(), tr("1 secret: %1"), tr("%1 secrets: %2"))
                                         .arg(names.join(QStringLiteral(", ")).toHtmlEscaped()));
            if (!keySecret.isEmpty() && !names.contains(keySecret))
                setRow(aiBinding, tr("no API key"), StatusBadge::Tone::Warning,
                       tr("%1 needs the secret %2 — how to fix: %3")
                           .arg(provider.toHtmlEscaped(), keySecret.toHtmlEscaped(),
                                kSettingsLink.arg(tr("enter the key in Settings"))));
        });

    row(QStringLiteral("ASSETS"), tr("Static assets"));
    setRow(QStringLiteral("ASSETS"), tr("ready"), StatusBadge::Tone::Good,
           tr("the web frontend at /"));

    m_containerRequest = context().api->get(
        QStringLiteral("/__edgedesk/v1/containers"), this, [this](const ApiResponse &r) {
            if (r.ok()) {
                applyContainers(r.json());
                return;
            }
            m_containers->setText(
                tr("Container status unavailable: %1").arg(r.describeError().toHtmlEscaped()));
            for (const QJsonValue &v : m_config.value(QStringLiteral("containers")).toArray()) {
                const QString binding = v.toObject().value(QStringLiteral("binding")).toString();
                setRow(binding, tr("unavailable"), StatusBadge::Tone::Warning,
                       r.describeError().toHtmlEscaped());
            }
        });
}

void OverviewPanel::applyContainers(const QJsonObject &status)
{
    const QJsonArray classes = status.value(QStringLiteral("classes")).toArray();
    if (classes.isEmpty()) {
        m_containers->setText(tr("No container classes in this configuration."));
        return;
    }
    QString html;
    const QLocale locale;
    for (const QJsonValue &v : classes) {
        const QJsonObject cls = v.toObject();
        const QString binding = cls.value(QStringLiteral("binding")).toString();
        const QJsonArray instances = cls.value(QStringLiteral("instances")).toArray();
        int up = 0;
        qint64 requests = 0;
        QStringList states;
        for (const QJsonValue &i : instances) {
            const QJsonObject instance = i.toObject();
            const QString state = instance.value(QStringLiteral("state")).toString();
            requests += qint64(instance.value(QStringLiteral("requests")).toDouble());
            const bool running = state == QLatin1String("running") ||
                                 state == QLatin1String("healthy") ||
                                 state == QLatin1String("starting");
            if (running)
                ++up;
            const QString colour = running ? QStringLiteral("#1f9d55")
                                   : state == QLatin1String("stopped_with_code")
                                       ? QStringLiteral("#d64545")
                                       : QStringLiteral("#718096");
            states.append(QStringLiteral("<span style=\"color:%1\">●</span> %2 %3")
                              .arg(colour,
                                   instance.value(QStringLiteral("id")).toString().toHtmlEscaped(),
                                   state.toHtmlEscaped()));
        }
        const int max = cls.value(QStringLiteral("max_instances")).toInt(int(instances.size()));
        html += tr("<p><b>%1</b> · %2 — %3 of %4 running, %5<br>%6</p>")
                    .arg(binding.toHtmlEscaped(),
                         cls.value(QStringLiteral("class_name")).toString().toHtmlEscaped())
                    .arg(up)
                    .arg(max)
                    .arg(count(requests, tr("1 request"), tr("%1 requests")))
                    .arg(states.join(QStringLiteral("&nbsp;&nbsp; ")));
        if (m_rows.contains(binding))
            setRow(binding, up > 0 ? tr("%1 of %2 running").arg(up).arg(max) : tr("idle"),
                   up > 0 ? StatusBadge::Tone::Good : StatusBadge::Tone::Neutral,
                   up > 0 ? count(requests, tr("1 request so far"), tr("%1 requests so far"))
                          : tr("no instance running; the first request starts one"));
    }
    m_containers->setText(html);
}

void OverviewPanel::loadHistory()
{
    m_historyLoading = true;
    context().api->get(
        QStringLiteral("/__edgedesk/v1/traffic?limit=5000"), this, [this](const ApiResponse &r) {
            m_historyLoading = false;
            m_historyLoaded = true;
            QList<TrafficRecord> records;
            if (r.ok()) {
                for (const QJsonValue &v : r.json().value(QStringLiteral("records")).toArray()) {
                    TrafficRecord record = TrafficModel::fromJson(v.toObject());
                    m_historyMaxId = qMax(m_historyMaxId, record.id);
                    records.append(std::move(record));
                }
            }
            for (const TrafficRecord &held : std::as_const(m_heldRecords)) {
                if (held.id > m_historyMaxId)
                    records.append(held);
            }
            m_heldRecords.clear();
            for (const TrafficRecord &record : std::as_const(records))
                onRecord(record);
            refreshActivity();
        });
    // Error lines written before the window opened.
    context().api->get(
        QStringLiteral("/__edgedesk/v1/logs?tail=1000"), this, [this](const ApiResponse &r) {
            if (!r.ok())
                return;
            for (const QJsonValue &v : r.json().value(QStringLiteral("lines")).toArray()) {
                const QJsonObject line = v.toObject();
                LogEntry e;
                e.seq = quint64(line.value(QStringLiteral("seq")).toDouble());
                e.level = line.value(QStringLiteral("level")).toString();
                e.source = line.value(QStringLiteral("source")).toString();
                e.message = line.value(QStringLiteral("message")).toString();
                const QDateTime t = QDateTime::fromString(
                    line.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
                e.timeMs = t.isValid() ? t.toMSecsSinceEpoch() : 0;
                onLog(e);
            }
        });
}

void OverviewPanel::onRecord(const TrafficRecord &record)
{
    if (m_historyLoading) {
        m_heldRecords.append(record);
        return;
    }
    if (TrafficFilterModel::isControlApi(record.path))
        return;
    const bool error = record.status >= 500 || record.status == 0;
    m_series.add(record.timeMs, double(record.durationUs) / 1000.0, error);
    if (error)
        addError(record.timeMs, tr("%1 %2").arg(record.method, record.path),
                 tr("HTTP %1 from route %2%3")
                     .arg(record.status)
                     .arg(record.route.isEmpty() ? tr("(none)") : record.route,
                          record.instance.isEmpty() ? QString()
                                                    : tr(" (instance %1)").arg(record.instance)),
                 QStringLiteral("t%1-%2").arg(record.id).arg(record.timeMs));
}

void OverviewPanel::onLog(const LogEntry &entry)
{
    if (entry.level != QLatin1String("error") && entry.level != QLatin1String("critical") &&
        entry.level != QLatin1String("fatal"))
        return;
    addError(entry.timeMs, entry.source, entry.message, QStringLiteral("l%1").arg(entry.seq));
}

void OverviewPanel::addError(qint64 timeMs, const QString &where, const QString &what,
                             const QString &key)
{
    if (m_seenErrors.contains(key))
        return;
    // The keys only matter where the history and the live stream overlap, at the start.
    if (m_seenErrors.size() > 5000)
        m_seenErrors.clear();
    m_seenErrors.insert(key);
    // Newest first; older entries (from the history) go below newer ones.
    int at = 0;
    while (at < m_errors->topLevelItemCount() &&
           m_errors->topLevelItem(at)->data(0, Qt::UserRole).toLongLong() > timeMs)
        ++at;
    if (at >= kMaxErrors)
        return;
    auto *item = new QTreeWidgetItem;
    item->setText(0, QDateTime::fromMSecsSinceEpoch(timeMs).toString(QStringLiteral("HH:mm:ss")));
    item->setData(0, Qt::UserRole, timeMs);
    item->setToolTip(0, QDateTime::fromMSecsSinceEpoch(timeMs).toString(Qt::ISODateWithMs));
    item->setText(1, where);
    item->setToolTip(1, where);
    QString line = what;
    line.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    item->setText(2, line);
    item->setToolTip(2, what.left(2000));
    item->setForeground(2, QColor(0xd6, 0x45, 0x45));
    m_errors->insertTopLevelItem(at, item);
    while (m_errors->topLevelItemCount() > kMaxErrors)
        delete m_errors->takeTopLevelItem(m_errors->topLevelItemCount() - 1);
    updateErrorsEmpty();
}

void OverviewPanel::updateErrorsEmpty()
{
    m_errorStack->setCurrentWidget(m_errors->topLevelItemCount() > 0
                                       ? static_cast<QWidget *>(m_errors)
                                       : static_cast<QWidget *>(m_errorsEmpty));
}

void OverviewPanel::refreshActivity()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 end = now - 1000; // the last complete second
    const QList<double> counts = m_series.counts(end);
    m_rateLine->setValues(counts);
    const QLocale locale;
    m_rateValue->setText(locale.toString(counts.isEmpty() ? 0.0 : counts.constLast()));
    const quint64 total = m_series.total(now);
    double peak = 0;
    for (double c : counts)
        peak = std::max(peak, c);
    m_rateNote->setText(
        total == 0
            ? tr("no requests yet (the control API is not counted)")
            : tr("%1 requests, peak %2/s").arg(locale.toString(total), locale.toString(peak)));

    QList<double> p99 = m_series.percentiles(0.99, end);
    for (double &v : p99) {
        if (!std::isfinite(v))
            v = 0;
    }
    m_latencyLine->setValues(p99);
    const double overall = m_series.percentile(0.99, now);
    m_latencyValue->setText(formatMs(overall));
    m_latencyNote->setText(
        total == 0
            ? tr("latency appears with the first request")
            : tr("p50 %1 over the same requests").arg(formatMs(m_series.percentile(0.5, now))));
}

} // namespace edgedesk
