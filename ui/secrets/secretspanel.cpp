#include "secrets/secretspanel.h"

#include "appsettings.h"
#include "widgets/bindingpages.h"
#include "widgets/displayformat.h"
#include "widgets/emptyhint.h"
#include "widgets/labels.h"
#include "widgets/sectionheading.h"

#include <QCheckBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QNetworkReply>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QStackedWidget>
#include <QTime>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("secrets");

} // namespace

SecretsPanel::SecretsPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("secrets"), tr("Secrets"), QStringLiteral("secrets"), context, parent)
{
    buildUi();
}

void SecretsPanel::buildUi()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(new SectionHeading(
        tr("Secrets"),
        tr("The secrets store: values are encrypted on disk and never shown again; set, rotate "
           "or delete them by name."),
        this));
    m_pages =
        new BindingPages(QStringLiteral("secrets"),
                         tr("The secrets appear as soon as the local server is serving."), this);
    m_pages->intro()->setObjectName(QStringLiteral("secretsIntro"));
    outer->addWidget(m_pages);
    QWidget *main = m_pages->browser();
    QVBoxLayout *layout = m_pages->browserLayout();

    m_listStack = new QStackedWidget(main);
    m_list = new QTreeWidget(m_listStack);
    m_list->setObjectName(QStringLiteral("secretsList"));
    m_list->setHeaderLabels({tr("Name"), tr("Created"), tr("Updated"), tr("Value")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    const int x = fontMetrics().horizontalAdvance(QLatin1Char('x'));
    m_list->header()->resizeSection(0, x * 32);
    // Wide enough for the longest date this locale writes.
    const int dateWidth = fontMetrics().horizontalAdvance(DisplayFormat::timestamp(
                              QDateTime(QDate(2000, 12, 28), QTime(23, 59, 59)))) +
                          fontMetrics().height() * 2;
    m_list->header()->resizeSection(1, dateWidth);
    m_list->header()->resizeSection(2, dateWidth);
    m_list->header()->setStretchLastSection(true);
    m_listEmpty = new EmptyHint(QStringLiteral("secrets"), m_listStack);
    m_listEmpty->setObjectName(QStringLiteral("secretsListEmpty"));
    m_listEmpty->set(tr("No secrets yet"),
                     tr("Type a name and a value below, then click Set secret. Your code reads "
                        "the value by name; this window never shows it again."));
    m_listStack->addWidget(m_list);
    m_listStack->addWidget(m_listEmpty);
    layout->addWidget(m_listStack, 1);

    auto *listRow = new QHBoxLayout;
    m_listInfo = new QLabel(main);
    letShrink(m_listInfo);
    m_listInfo->setObjectName(QStringLiteral("secretsListInfo"));
    m_listInfo->setWordWrap(true);
    m_refresh = new QPushButton(themedIcon(QStringLiteral("refresh")), QString(), main);
    m_refresh->setObjectName(QStringLiteral("secretsRefresh"));
    m_refresh->setToolTip(tr("Reload the names (F5)"));
    m_refresh->setAccessibleName(tr("Reload the names"));
    m_delete = new QPushButton(themedIcon(QStringLiteral("trash")), tr("Delete"), main);
    m_delete->setObjectName(QStringLiteral("secretDelete"));
    m_delete->setToolTip(tr("Delete the selected secret (Del)"));
    m_delete->setEnabled(false);
    listRow->addWidget(m_listInfo, 1);
    listRow->addWidget(m_refresh);
    listRow->addSpacing(8);
    listRow->addWidget(m_delete);
    // Above the list, where KV and Bucket have their actions too.
    layout->insertLayout(layout->indexOf(m_listStack), listRow);

    auto *group = new QGroupBox(tr("Set or rotate a secret"), main);
    auto *form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_name = new QLineEdit(group);
    m_name->setObjectName(QStringLiteral("secretName"));
    m_name->setPlaceholderText(tr("e.g. ACCOUNT_API_KEY (letters, digits and _)"));
    m_name->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z0-9_]{1,255}")), m_name));
    m_name->setText(context().settings->panelValue(kPanel, QStringLiteral("name")).toString());
    form->addRow(tr("Name"), m_name);

    auto *valueRow = new QHBoxLayout;
    m_value = new QLineEdit(group);
    m_value->setObjectName(QStringLiteral("secretValue"));
    m_value->setEchoMode(QLineEdit::Password);
    m_value->setPlaceholderText(tr("The value (stored encrypted, never shown again)"));
    m_value->setMaxLength(64 * 1024);
    // No autocompletion, drag out or undo history of a secret.
    m_value->setDragEnabled(false);
    m_show = new QCheckBox(tr("Show while typing"), group);
    m_show->setObjectName(QStringLiteral("secretShow"));
    m_show->setToolTip(tr("Reveals only what you type now; stored values are never shown"));
    valueRow->addWidget(m_value, 1);
    valueRow->addWidget(m_show);
    form->addRow(tr("Value"), valueRow);

    auto *saveRow = new QHBoxLayout;
    m_status = new QLabel(group);
    letShrink(m_status);
    m_status->setObjectName(QStringLiteral("secretsStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_save = new QPushButton(tr("Set secret"), group);
    m_save->setObjectName(QStringLiteral("secretSave"));
    m_save->setDefault(true);
    saveRow->addWidget(m_status, 1);
    saveRow->addWidget(m_save, 0, Qt::AlignTop);
    form->addRow(saveRow);
    layout->addWidget(group);

    connect(m_refresh, &QPushButton::clicked, this, &SecretsPanel::refresh);
    connect(m_delete, &QPushButton::clicked, this, &SecretsPanel::deleteSelected);
    connect(m_save, &QPushButton::clicked, this, &SecretsPanel::saveSecret);
    connect(m_value, &QLineEdit::returnPressed, this, &SecretsPanel::saveSecret);
    connect(m_name, &QLineEdit::returnPressed, this, [this] { m_value->setFocus(); });
    connect(m_name, &QLineEdit::textChanged, this, &SecretsPanel::updateForm);
    connect(m_value, &QLineEdit::textChanged, this, &SecretsPanel::updateForm);
    connect(m_show, &QCheckBox::toggled, this, [this](bool on) {
        m_value->setEchoMode(on ? QLineEdit::Normal : QLineEdit::Password);
    });
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            m_name->setText(item->data(0, Qt::UserRole).toString());
        updateForm();
    });
    addShortcut(
        QKeySequence::Delete, [this] { deleteSelected(); }, m_list);
    addShortcut(QKeySequence::Refresh, [this] { refresh(); });

    updateForm();
}

QString SecretsPanel::secretPath(const QString &name) const
{
    return QStringLiteral("/__edgedesk/v1/secrets/") +
           QString::fromLatin1(QUrl::toPercentEncoding(name));
}

void SecretsPanel::activated()
{
    if (!m_binding.isEmpty())
        refresh();
}

void SecretsPanel::serverReady()
{
    loadConfig();
}

void SecretsPanel::saveState()
{
    // The name only: a value never goes to disk outside the encrypted store.
    context().settings->setPanelValue(kPanel, QStringLiteral("name"), m_name->text());
}

void SecretsPanel::loadConfig()
{
    m_pages->readConfig(context().api, [this](const QJsonObject &config) {
        const QJsonObject store = config.value(QStringLiteral("secrets_store")).toObject();
        m_binding = store.value(QStringLiteral("binding")).toString();
        if (m_binding.isEmpty())
            m_binding = QStringLiteral("SECRET_STORE");
        m_expected.clear();
        for (const QJsonValue &v : store.value(QStringLiteral("secret_names")).toArray())
            m_expected.append(v.toString());
        const QString example =
            m_expected.isEmpty() ? QStringLiteral("ACCOUNT_API_KEY") : m_expected.first();
        m_pages->showBrowser(
            tr("<b>%1</b> — encrypted values your code reads by name, such as "
               "<code>%2</code> for Workers AI. Values are write-only: set or rotate them "
               "here; nothing ever shows them again.")
                .arg(m_binding.toHtmlEscaped(), example.toHtmlEscaped()));
        refresh();
    });
}

void SecretsPanel::refresh()
{
    if (m_binding.isEmpty())
        return;
    const quint64 generation = ++m_listGeneration;
    context().api->get(
        QStringLiteral("/__edgedesk/v1/secrets"), this, [this, generation](const ApiResponse &r) {
            if (generation != m_listGeneration)
                return;
            if (!r.ok()) {
                showStatus(m_listInfo, tr("Cannot list the secrets: %1").arg(r.describeError()),
                           true);
                return;
            }
            showStatus(m_listInfo, m_listInfo->text(), false);
            showList(r.json());
        });
}

void SecretsPanel::showList(const QJsonObject &list)
{
    const QString current = m_list->currentItem()
                                ? m_list->currentItem()->data(0, Qt::UserRole).toString()
                                : m_name->text();
    const QSignalBlocker block(m_list);
    m_list->clear();
    m_stored.clear();
    for (const QJsonValue &v : list.value(QStringLiteral("secrets")).toArray()) {
        const QJsonObject s = v.toObject();
        const QString name = s.value(QStringLiteral("name")).toString();
        m_stored.append(name);
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, name);
        item->setData(0, Qt::UserRole, name);
        item->setText(1, DisplayFormat::timestamp(s.value(QStringLiteral("created")).toString()));
        item->setText(2, DisplayFormat::timestamp(s.value(QStringLiteral("updated")).toString()));
        item->setText(3, tr("set (hidden)"));
    }
    // Names the configuration expects but nobody set yet: what a new user must do first.
    for (const QString &name : missingNames()) {
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(0, name);
        item->setData(0, Qt::UserRole, name);
        item->setText(3, tr("not set — expected by the configuration"));
        for (int c = 0; c < 4; ++c)
            item->setForeground(c, palette().color(QPalette::PlaceholderText));
        QFont italic = item->font(3);
        italic.setItalic(true);
        item->setFont(3, italic);
    }
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        if (m_list->topLevelItem(i)->data(0, Qt::UserRole).toString() == current) {
            m_list->setCurrentItem(m_list->topLevelItem(i));
            break;
        }
    }
    m_listStack->setCurrentWidget(m_list->topLevelItemCount() ? static_cast<QWidget *>(m_list)
                                                              : m_listEmpty);
    const int count = int(m_stored.size());
    QString info = count == 1 ? tr("1 secret") : tr("%1 secrets").arg(count);
    if (const int missing = int(missingNames().size()))
        info += tr(", %1 expected but not set").arg(missing);
    m_listInfo->setText(info);
    updateForm();
}

QStringList SecretsPanel::missingNames() const
{
    QStringList out;
    for (const QString &name : m_expected) {
        if (!m_stored.contains(name) && !out.contains(name))
            out.append(name);
    }
    return out;
}

void SecretsPanel::selectSecret(const QString &name)
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        if (m_list->topLevelItem(i)->data(0, Qt::UserRole).toString() == name) {
            m_list->setCurrentItem(m_list->topLevelItem(i));
            return;
        }
    }
}

void SecretsPanel::updateForm()
{
    const QString name = m_name->text();
    const bool exists = m_stored.contains(name);
    m_save->setText(exists ? tr("Rotate value") : tr("Set secret"));
    m_save->setEnabled(!m_binding.isEmpty() && m_name->hasAcceptableInput() &&
                       !m_value->text().isEmpty() && !m_saving);
    QTreeWidgetItem *item = m_list->currentItem();
    m_delete->setEnabled(item && m_stored.contains(item->data(0, Qt::UserRole).toString()));
}

void SecretsPanel::saveSecret()
{
    if (m_binding.isEmpty() || m_saving)
        return;
    const QString name = m_name->text();
    if (!m_name->hasAcceptableInput()) {
        setStatus(tr("Type a name of letters, digits and _ (at most 255)."), true);
        m_name->setFocus();
        return;
    }
    if (m_value->text().isEmpty()) {
        setStatus(tr("Type the value to store."), true);
        m_value->setFocus();
        return;
    }
    const bool rotating = m_stored.contains(name);
    m_saving = context().api->call(
        "PUT", secretPath(name), m_value->text().toUtf8(),
        {{"Content-Type", "application/octet-stream"}}, this,
        [this, name, rotating](const ApiResponse &r) {
            m_saving = nullptr;
            if (!r.ok()) {
                setStatus(tr("Not stored: %1").arg(r.describeError()), true);
                updateForm();
                Q_EMIT secretChanged(name, false);
                return;
            }
            // Forget the value: setText also drops the field's undo history.
            m_value->setText(QString());
            m_show->setChecked(false);
            const QString time = QLocale().toString(QTime::currentTime(), QLocale::ShortFormat);
            setStatus(
                rotating
                    ? tr("Rotated %1 at %2. The new value is stored encrypted.").arg(name, time)
                    : tr("Set %1 at %2. The value is stored encrypted and is never "
                         "shown again.")
                          .arg(name, time));
            refresh();
            Q_EMIT secretChanged(name, true);
        });
    updateForm();
    setStatus(tr("Storing %1…").arg(name));
}

void SecretsPanel::deleteSelected()
{
    QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const QString name = item->data(0, Qt::UserRole).toString();
    if (!m_stored.contains(name))
        return;
    if (!m_confirm.ask(this, tr("Delete the secret?"),
                       tr("Delete %1 from %2? Code that reads it fails until you set it again.")
                           .arg(name, m_binding),
                       tr("Delete")))
        return;
    context().api->call("DELETE", secretPath(name), {}, {}, this,
                        [this, name](const ApiResponse &r) {
                            if (!r.ok()) {
                                setStatus(tr("Not deleted: %1").arg(r.describeError()), true);
                                Q_EMIT secretChanged(name, false);
                                return;
                            }
                            setStatus(tr("Deleted %1.").arg(name));
                            refresh();
                            Q_EMIT secretChanged(name, true);
                        });
}

void SecretsPanel::setStatus(const QString &text, bool error)
{
    showStatus(m_status, text, error);
}

} // namespace edgedesk
