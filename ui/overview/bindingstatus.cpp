#include "overview/bindingstatus.h"

#include "apiclient.h"
#include "containers/containertotals.h"
#include "widgets/displayformat.h"

#include <QGridLayout>
#include <QJsonArray>
#include <QLabel>
#include <QRegularExpression>
#include <QUrl>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kSettingsLink = QStringLiteral("<a href=\"settings\">%1</a>");

QLabel *mutedLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setForegroundRole(QPalette::PlaceholderText);
    label->setWordWrap(true);
    return label;
}

// Names such as "edgedesk-local" or "cloudflare-containers-go-service-worker" are read whole: the
// hyphens between letters in the text (not in the markup) become non-breaking ones, so a narrow
// window wraps between words and never inside a name.
QString keepNamesWhole(const QString &html)
{
    static const QRegularExpression tag(QStringLiteral("<[^>]*>"));
    static const QRegularExpression hyphen(QStringLiteral("(?<=\\w)-(?=\\w)"));
    QString out;
    qsizetype from = 0;
    auto text = [&](qsizetype end) {
        QString part = html.mid(from, end - from);
        part.replace(hyphen, QString(QChar(0x2011)));
        out += part;
    };
    for (auto it = tag.globalMatch(html); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        text(m.capturedStart());
        out += m.captured();
        from = m.capturedEnd();
    }
    text(html.size());
    return out;
}

QString bindingOf(const QJsonValue &v)
{
    return v.toObject().value(QStringLiteral("binding")).toString();
}

} // namespace

BindingStatus::BindingStatus(ApiClient *api, QWidget *parent)
    : QGroupBox(tr("Bindings"), parent), m_api(api)
{
    setObjectName(QStringLiteral("overviewBindings"));
    auto *layout = new QVBoxLayout(this);
    m_grid = new QGridLayout;
    m_grid->setHorizontalSpacing(14);
    m_grid->setVerticalSpacing(6);
    m_grid->setColumnStretch(3, 1);
    layout->addLayout(m_grid);
    m_configNote = mutedLabel(QString(), this);
    m_configNote->setObjectName(QStringLiteral("overviewConfigNote"));
    m_configNote->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_configNote);
    layout->addStretch(1);
}

BindingStatus::Row &BindingStatus::row(const QString &name, const QString &kind)
{
    auto it = m_rows.find(name);
    if (it != m_rows.end()) {
        it->kind->setText(kind);
        return *it;
    }
    Row r;
    r.name = new QLabel(name, this);
    QFont bold = r.name->font();
    bold.setWeight(QFont::DemiBold);
    r.name->setFont(bold);
    r.name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    r.kind = mutedLabel(kind, this);
    r.kind->setWordWrap(false);
    r.badge = new StatusBadge(this);
    r.badge->set(tr("checking…"), StatusBadge::Tone::Neutral);
    r.detail = new QLabel(this);
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
    m_grid->addWidget(r.name, line, 0);
    m_grid->addWidget(r.kind, line, 1);
    m_grid->addWidget(r.badge, line, 2, Qt::AlignLeft | Qt::AlignVCenter);
    m_grid->addWidget(r.detail, line, 3);
    m_rowOrder.append(name);
    return *m_rows.insert(name, r);
}

void BindingStatus::setRow(const QString &name, const QString &text, StatusBadge::Tone tone,
                           const QString &detail)
{
    auto it = m_rows.find(name);
    if (it == m_rows.end())
        return;
    it->badge->set(text, tone);
    it->detail->setText(keepNamesWhole(detail));
}

QString BindingStatus::state(const QString &name) const
{
    const auto it = m_rows.constFind(name);
    return it == m_rows.cend() ? QString() : it->badge->text();
}

QString BindingStatus::detail(const QString &name) const
{
    const auto it = m_rows.constFind(name);
    // As written: with ordinary hyphens (the label shows non-breaking ones).
    return it == m_rows.cend() ? QString()
                               : it->detail->text().replace(QChar(0x2011), QLatin1Char('-'));
}

void BindingStatus::showConfigError(const QString &message)
{
    m_configNote->setText(tr("Could not read the configuration: %1").arg(message));
}

void BindingStatus::probe(const QString &name, const QString &path,
                          std::function<QString(const ApiResponse &)> describe)
{
    m_api->get(path, this, [this, name, describe](const ApiResponse &r) {
        if (r.ok())
            setRow(name, tr("ready"), StatusBadge::Tone::Good, describe(r).toHtmlEscaped());
        else
            setRow(name, tr("error"), StatusBadge::Tone::Bad,
                   tr("%1 — see <a href=\"logs\">Logs</a>").arg(r.describeError().toHtmlEscaped()));
    });
}

void BindingStatus::relayout(const QJsonObject &config)
{
    // Rows stay in place while the bindings are the same (no flicker on a refresh); another
    // configuration after a restart lays them out again.
    QStringList names;
    for (const char *section : {"containers", "kv_namespaces", "r2_buckets"}) {
        for (const QJsonValue &v : config.value(QLatin1String(section)).toArray())
            names.append(bindingOf(v));
    }
    names.append(config.value(QStringLiteral("ai"))
                     .toObject()
                     .value(QStringLiteral("binding"))
                     .toString(QStringLiteral("AI")));
    for (const QJsonValue &v : config.value(QStringLiteral("services")).toArray())
        names.append(bindingOf(v));
    names.append(config.value(QStringLiteral("secrets_store"))
                     .toObject()
                     .value(QStringLiteral("binding"))
                     .toString(QStringLiteral("SECRET_STORE")));
    names.append(QStringLiteral("ASSETS"));
    if (names == m_rowOrder)
        return;
    for (const Row &r : std::as_const(m_rows)) {
        delete r.name;
        delete r.kind;
        delete r.badge;
        delete r.detail;
    }
    m_rows.clear();
    m_rowOrder.clear();
}

void BindingStatus::applyConfig(const QJsonObject &config)
{
    m_config = config;
    relayout(config);
    const QString source = config.value(QStringLiteral("source")).toString();
    QString note = source.startsWith(QLatin1Char(':')) ? tr("Configuration: the built-in default.")
                                                       : tr("Configuration: %1").arg(source);
    for (const QJsonValue &w : config.value(QStringLiteral("warnings")).toArray())
        note += QLatin1Char('\n') + tr("Warning: %1").arg(w.toString());
    m_configNote->setText(note);

    for (const QJsonValue &v : config.value(QStringLiteral("containers")).toArray()) {
        const QJsonObject c = v.toObject();
        const QString binding = bindingOf(c);
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
    addStorageRows(config);
    addAiAndSecrets(config);
    row(QStringLiteral("ASSETS"), tr("Static assets"));
    setRow(QStringLiteral("ASSETS"), tr("ready"), StatusBadge::Tone::Good,
           tr("the web frontend at /"));
}

void BindingStatus::addStorageRows(const QJsonObject &config)
{
    for (const QJsonValue &v : config.value(QStringLiteral("kv_namespaces")).toArray()) {
        const QString binding = bindingOf(v);
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
        const QString binding = bindingOf(v);
        const QString bucket = v.toObject().value(QStringLiteral("bucket_name")).toString();
        row(binding, tr("Bucket"));
        probe(binding,
              QStringLiteral("/__edgedesk/v1/r2/%1/objects?limit=1000")
                  .arg(QString::fromUtf8(QUrl::toPercentEncoding(binding))),
              [bucket](const ApiResponse &r) {
                  const QJsonObject json = r.json();
                  const int n = int(json.value(QStringLiteral("objects")).toArray().size());
                  const bool more = json.value(QStringLiteral("truncated")).toBool();
                  const QString objects =
                      more ? tr("%1+ objects").arg(n)
                           : DisplayFormat::count(n, tr("1 object"), tr("%1 objects"));
                  return tr("bucket %1, %2, image transforms at /image").arg(bucket, objects);
              });
    }
}

void BindingStatus::addAiAndSecrets(const QJsonObject &config)
{
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
        const QString binding = bindingOf(s);
        row(binding, tr("Service binding"));
        setRow(binding, tr("ready"), StatusBadge::Tone::Good,
               tr("%1 → %2 at /worker")
                   .arg(s.value(QStringLiteral("service")).toString(),
                        s.value(QStringLiteral("target")).toString())
                   .toHtmlEscaped());
    }

    const QString secretsBinding = config.value(QStringLiteral("secrets_store"))
                                       .toObject()
                                       .value(QStringLiteral("binding"))
                                       .toString(QStringLiteral("SECRET_STORE"));
    row(secretsBinding, tr("Secrets store"));
    const QString keySecret =
        configured ? ai.value(QStringLiteral("api_key_secret")).toString() : QString();
    m_api->get(QStringLiteral("/__edgedesk/v1/secrets"), this,
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
                          names.isEmpty()
                              ? tr("no secrets stored yet")
                              : DisplayFormat::count(names.size(), tr("1 secret: %1"),
                                                     tr("%1 secrets: %2"))
                                    .arg(names.join(QStringLiteral(", ")).toHtmlEscaped()));
                   if (!keySecret.isEmpty() && !names.contains(keySecret))
                       setRow(aiBinding, tr("no API key"), StatusBadge::Tone::Warning,
                              tr("%1 needs the secret %2 — how to fix: %3")
                                  .arg(provider.toHtmlEscaped(), keySecret.toHtmlEscaped(),
                                       kSettingsLink.arg(tr("enter the key in Settings"))));
               });
}

void BindingStatus::applyContainers(const QJsonObject &status)
{
    for (const QJsonValue &v : status.value(QStringLiteral("classes")).toArray()) {
        const QJsonObject cls = v.toObject();
        const QString binding = bindingOf(cls);
        if (!m_rows.contains(binding))
            continue;
        const ContainerTotals t = ContainerTotals::of(cls);
        setRow(binding, t.up > 0 ? tr("%1 of %2 running").arg(t.up).arg(t.max) : tr("idle"),
               t.up > 0 ? StatusBadge::Tone::Good : StatusBadge::Tone::Neutral,
               t.up > 0 ? DisplayFormat::count(t.requests, tr("1 request so far"),
                                               tr("%1 requests so far"))
                        : tr("no instance running; the first request starts one"));
    }
}

void BindingStatus::containersUnavailable(const QString &reason)
{
    for (const QJsonValue &v : m_config.value(QStringLiteral("containers")).toArray())
        setRow(bindingOf(v), tr("unavailable"), StatusBadge::Tone::Warning, reason.toHtmlEscaped());
}

} // namespace edgedesk
