#include "kv/kvpanel.h"

#include "appsettings.h"
#include "widgets/emptyhint.h"
#include "widgets/jsonview.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMimeDatabase>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStringDecoder>
#include <QTime>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

const QString kPanel = QStringLiteral("kv");
constexpr qint64 kMaxValueBytes = 25 * 1024 * 1024; // the server's KvStore limit

// A label whose text may hold a long unbreakable word (a key, a file name) must not force the
// window wider: it wraps where it can and clips the rest.
void letShrink(QLabel *label)
{
    QSizePolicy policy = label->sizePolicy();
    policy.setHorizontalPolicy(QSizePolicy::Ignored);
    label->setSizePolicy(policy);
}

// Text the editor can hold without changing a byte: valid UTF-8, no NUL.
bool isPlainText(const QByteArray &bytes, QString *text)
{
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString decoded = utf8(bytes);
    if (utf8.hasError() || bytes.contains('\0'))
        return false;
    *text = decoded;
    return true;
}

QString localTime(qint64 secs)
{
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(secs), QLocale::ShortFormat);
}

} // namespace

KvPanel::KvPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("kv"), tr("KV"), QStringLiteral("kv"), context, parent)
{
    buildUi();
}

QString KvPanel::describeExpiresIn(qint64 seconds)
{
    if (seconds <= 0)
        return tr("expired");
    if (seconds < 60)
        return tr("in %1 s").arg(seconds);
    if (seconds < 3600)
        return tr("in %1 min").arg(seconds / 60);
    if (seconds < 86400) {
        const qint64 minutes = (seconds % 3600) / 60;
        return minutes ? tr("in %1 h %2 min").arg(seconds / 3600).arg(minutes)
                       : tr("in %1 h").arg(seconds / 3600);
    }
    const qint64 days = seconds / 86400;
    const qint64 hours = (seconds % 86400) / 3600;
    const QString dayText = days == 1 ? tr("1 day") : tr("%1 days").arg(days);
    return hours && days < 7 ? tr("in %1 %2 h").arg(dayText).arg(hours) : tr("in %1").arg(dayText);
}

void KvPanel::buildUi()
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 8, 0, 0);
    m_pages = new QStackedWidget(this);
    outer->addWidget(m_pages);

    m_unavailable = new EmptyHint(QStringLiteral("kv"), m_pages);
    m_unavailable->set(tr("Waiting for the server…"),
                       tr("The keys appear as soon as the local server is serving."));
    m_pages->addWidget(m_unavailable);

    auto *browser = new QWidget(m_pages);
    auto *browserLayout = new QVBoxLayout(browser);
    browserLayout->setContentsMargins(0, 0, 0, 0);
    m_intro = new QLabel(browser);
    letShrink(m_intro);
    m_intro->setObjectName(QStringLiteral("kvIntro"));
    m_intro->setWordWrap(true);
    m_intro->setTextFormat(Qt::RichText);
    browserLayout->addWidget(m_intro);

    m_splitter = new QSplitter(Qt::Horizontal, browser);
    m_splitter->setChildrenCollapsible(false);
    browserLayout->addWidget(m_splitter, 1);
    m_pages->addWidget(browser);

    // Left: the key list.
    auto *left = new QWidget(m_splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 6, 0);
    auto *searchRow = new QHBoxLayout;
    m_prefix = new QLineEdit(left);
    m_prefix->setObjectName(QStringLiteral("kvPrefix"));
    m_prefix->setPlaceholderText(tr("Filter keys by prefix (Ctrl+F)"));
    m_prefix->setClearButtonEnabled(true);
    m_prefix->addAction(themedIcon(QStringLiteral("search")), QLineEdit::LeadingPosition);
    m_prefix->setText(context().settings->panelValue(kPanel, QStringLiteral("prefix")).toString());
    m_refresh = new QPushButton(themedIcon(QStringLiteral("refresh")), QString(), left);
    m_refresh->setObjectName(QStringLiteral("kvRefresh"));
    m_refresh->setToolTip(tr("Reload the keys (F5)"));
    searchRow->addWidget(m_prefix, 1);
    searchRow->addWidget(m_refresh);
    leftLayout->addLayout(searchRow);

    m_listStack = new QStackedWidget(left);
    m_keys = new QTreeWidget(m_listStack);
    m_keys->setObjectName(QStringLiteral("kvKeys"));
    m_keys->setHeaderLabels({tr("Key"), tr("Expires"), tr("Metadata")});
    m_keys->setRootIsDecorated(false);
    m_keys->setUniformRowHeights(true);
    m_keys->setAlternatingRowColors(true);
    m_keys->setSelectionMode(QAbstractItemView::SingleSelection);
    m_keys->header()->setStretchLastSection(true);
    m_keys->header()->resizeSection(0, fontMetrics().horizontalAdvance(QLatin1Char('x')) * 22);
    // Wide enough for the longest date this locale writes.
    const int dateWidth =
        fontMetrics().horizontalAdvance(QLocale().toString(
            QDateTime(QDate(2000, 12, 28), QTime(23, 59, 59)), QLocale::ShortFormat)) +
        fontMetrics().height() * 2;
    m_keys->header()->resizeSection(1, dateWidth);
    m_listEmpty = new EmptyHint(QStringLiteral("kv"), m_listStack);
    m_listEmpty->setObjectName(QStringLiteral("kvListEmpty"));
    m_listStack->addWidget(m_keys);
    m_listStack->addWidget(m_listEmpty);
    leftLayout->addWidget(m_listStack, 1);

    auto *pageRow = new QHBoxLayout;
    m_listInfo = new QLabel(left);
    letShrink(m_listInfo);
    m_listInfo->setObjectName(QStringLiteral("kvListInfo"));
    m_listInfo->setWordWrap(true);
    m_loadMore = new QPushButton(tr("Load more"), left);
    m_loadMore->setObjectName(QStringLiteral("kvLoadMore"));
    m_loadMore->setVisible(false);
    pageRow->addWidget(m_listInfo, 1);
    pageRow->addWidget(m_loadMore);
    leftLayout->addLayout(pageRow);

    auto *actions = new QHBoxLayout;
    m_add = new QPushButton(themedIcon(QStringLiteral("plus")), tr("New key"), left);
    m_add->setObjectName(QStringLiteral("kvAdd"));
    m_add->setToolTip(tr("Add a key (Ctrl+N)"));
    m_delete = new QPushButton(themedIcon(QStringLiteral("trash")), tr("Delete"), left);
    m_delete->setObjectName(QStringLiteral("kvDelete"));
    m_delete->setToolTip(tr("Delete the selected key (Del)"));
    m_delete->setEnabled(false);
    actions->addWidget(m_add);
    actions->addWidget(m_delete);
    actions->addStretch(1);
    leftLayout->addLayout(actions);

    // Right: the value editor.
    m_editorStack = new QStackedWidget(m_splitter);
    m_editorEmpty = new EmptyHint(QStringLiteral("kv"), m_editorStack);
    m_editorEmpty->set(tr("No key selected"),
                       tr("Select a key to see its value, metadata and expiration, or click New "
                          "key (Ctrl+N) to store one."));
    m_editorStack->addWidget(m_editorEmpty);

    auto *editor = new QWidget(m_editorStack);
    auto *editorLayout = new QVBoxLayout(editor);
    editorLayout->setContentsMargins(6, 0, 0, 0);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_keyName = new QLineEdit(editor);
    m_keyName->setObjectName(QStringLiteral("kvKeyName"));
    m_keyName->setPlaceholderText(tr("e.g. config/theme"));
    m_keyName->setMaxLength(512);
    m_contentType = new QComboBox(editor);
    m_contentType->setObjectName(QStringLiteral("kvContentType"));
    m_contentType->setEditable(true);
    m_contentType->addItems({QStringLiteral("text/plain; charset=utf-8"),
                             QStringLiteral("application/json"),
                             QStringLiteral("application/octet-stream")});
    form->addRow(tr("Key"), m_keyName);
    form->addRow(tr("Content type"), m_contentType);
    editorLayout->addLayout(form);

    auto *valueHeader = new QHBoxLayout;
    auto *valueLabel = new QLabel(tr("Value"), editor);
    QFont bold = valueLabel->font();
    bold.setWeight(QFont::DemiBold);
    valueLabel->setFont(bold);
    m_valueInfo = new QLabel(editor);
    letShrink(m_valueInfo);
    m_valueInfo->setObjectName(QStringLiteral("kvValueInfo"));
    m_valueInfo->setForegroundRole(QPalette::PlaceholderText);
    m_formatJson = new QPushButton(tr("Format JSON"), editor);
    m_formatJson->setObjectName(QStringLiteral("kvFormatJson"));
    m_formatJson->setToolTip(tr("Pretty-print the value if it is JSON"));
    m_fromFile = new QPushButton(themedIcon(QStringLiteral("upload")), tr("From file…"), editor);
    m_fromFile->setObjectName(QStringLiteral("kvFromFile"));
    m_fromFile->setToolTip(tr("Replace the value with a file's bytes (text or binary)"));
    valueHeader->addWidget(valueLabel);
    valueHeader->addWidget(m_valueInfo, 1);
    valueHeader->addWidget(m_formatJson);
    valueHeader->addWidget(m_fromFile);
    editorLayout->addLayout(valueHeader);

    m_valueStack = new QStackedWidget(editor);
    m_valueEdit = new QPlainTextEdit(m_valueStack);
    m_valueEdit->setObjectName(QStringLiteral("kvValueEdit"));
    m_valueEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_valueEdit->setPlaceholderText(tr("The value: text or JSON"));
    m_valueEdit->setTabChangesFocus(true);
    m_valueHex = new JsonView(m_valueStack);
    m_valueHex->setObjectName(QStringLiteral("kvValueHex"));
    m_valueStack->addWidget(m_valueEdit);
    m_valueStack->addWidget(m_valueHex);
    editorLayout->addWidget(m_valueStack, 3);

    auto *lower = new QFormLayout;
    lower->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_metadata = new QPlainTextEdit(editor);
    m_metadata->setObjectName(QStringLiteral("kvMetadata"));
    m_metadata->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_metadata->setPlaceholderText(tr("Optional JSON, e.g. {\"owner\": \"me\"} (at most 1 KiB)"));
    m_metadata->setTabChangesFocus(true);
    m_metadata->setFixedHeight(m_metadata->fontMetrics().lineSpacing() * 4 + 12);
    lower->addRow(tr("Metadata"), m_metadata);

    m_expirationLabel = new QLabel(editor);

    letShrink(m_expirationLabel);
    m_expirationLabel->setObjectName(QStringLiteral("kvExpiration"));
    m_expirationLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    lower->addRow(tr("Expiration"), m_expirationLabel);

    auto *ttlRow = new QHBoxLayout;
    m_ttlMode = new QComboBox(editor);
    m_ttlMode->setObjectName(QStringLiteral("kvTtlMode"));
    m_ttlMode->addItem(tr("Keep the current expiration"), int(TtlMode::Keep));
    m_ttlMode->addItem(tr("Never expire"), int(TtlMode::None));
    m_ttlMode->addItem(tr("Expire after"), int(TtlMode::After));
    m_ttlAmount = new QSpinBox(editor);
    m_ttlAmount->setObjectName(QStringLiteral("kvTtlAmount"));
    m_ttlAmount->setRange(1, 9999);
    m_ttlAmount->setValue(1);
    m_ttlUnit = new QComboBox(editor);
    m_ttlUnit->setObjectName(QStringLiteral("kvTtlUnit"));
    m_ttlUnit->addItem(tr("seconds"), 1);
    m_ttlUnit->addItem(tr("minutes"), 60);
    m_ttlUnit->addItem(tr("hours"), 3600);
    m_ttlUnit->addItem(tr("days"), 86400);
    m_ttlUnit->setCurrentIndex(
        context().settings->panelValue(kPanel, QStringLiteral("ttlUnit"), 2).toInt());
    ttlRow->addWidget(m_ttlMode);
    ttlRow->addWidget(m_ttlAmount);
    ttlRow->addWidget(m_ttlUnit);
    ttlRow->addStretch(1);
    lower->addRow(tr("When saving"), ttlRow);
    editorLayout->addLayout(lower);

    auto *saveRow = new QHBoxLayout;
    m_status = new QLabel(editor);
    letShrink(m_status);
    m_status->setObjectName(QStringLiteral("kvStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_save = new QPushButton(tr("Save"), editor);
    m_save->setObjectName(QStringLiteral("kvSave"));
    m_save->setToolTip(tr("Store the value (Ctrl+S)"));
    m_save->setDefault(true);
    saveRow->addWidget(m_status, 1);
    saveRow->addWidget(m_save, 0, Qt::AlignTop);
    editorLayout->addLayout(saveRow);
    m_editorStack->addWidget(editor);

    m_splitter->addWidget(left);
    m_splitter->addWidget(m_editorStack);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    if (!m_splitter->restoreState(
            context().settings->panelValue(kPanel, QStringLiteral("splitter")).toByteArray()))
        m_splitter->setSizes({440, 660});

    m_prefixDebounce = new QTimer(this);
    m_prefixDebounce->setSingleShot(true);
    m_prefixDebounce->setInterval(250);
    connect(m_prefixDebounce, &QTimer::timeout, this, &KvPanel::refresh);
    connect(m_prefix, &QLineEdit::textChanged, m_prefixDebounce, qOverload<>(&QTimer::start));
    connect(m_prefix, &QLineEdit::returnPressed, this, [this] {
        m_prefixDebounce->stop();
        refresh();
    });
    connect(m_refresh, &QPushButton::clicked, this, &KvPanel::refresh);
    connect(m_loadMore, &QPushButton::clicked, this, &KvPanel::loadMore);
    connect(m_add, &QPushButton::clicked, this, &KvPanel::newKey);
    connect(m_delete, &QPushButton::clicked, this, &KvPanel::deleteCurrent);
    connect(m_save, &QPushButton::clicked, this, &KvPanel::save);
    connect(m_keys, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem *current, QTreeWidgetItem *previous) {
                if (!current)
                    return;
                const QString key = current->data(0, Qt::UserRole).toString();
                if (key == m_openedKey && !m_editingNew)
                    return;
                if (!confirmDiscard()) {
                    const QSignalBlocker block(m_keys);
                    m_keys->setCurrentItem(previous);
                    return;
                }
                openKey(key);
            });
    connect(m_formatJson, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString pretty = JsonView::prettyJson(m_valueEdit->toPlainText().toUtf8(), &ok);
        if (!ok) {
            setStatus(tr("The value is not JSON (an object or an array)."), true);
            return;
        }
        // One edit step, so Ctrl+Z restores the original layout.
        QTextCursor cursor(m_valueEdit->document());
        cursor.select(QTextCursor::Document);
        cursor.insertText(pretty);
    });
    connect(m_fromFile, &QPushButton::clicked, this, [this] {
        const QString dir =
            context().settings->panelValue(kPanel, QStringLiteral("fileDir")).toString();
        const QString path = QFileDialog::getOpenFileName(this, tr("Value from a file"), dir);
        if (path.isEmpty())
            return;
        context().settings->setPanelValue(kPanel, QStringLiteral("fileDir"),
                                          QFileInfo(path).absolutePath());
        loadValueFromFile(path);
    });
    connect(m_ttlMode, &QComboBox::currentIndexChanged, this, &KvPanel::updateTtlControls);

    m_clock = new QTimer(this);
    m_clock->setInterval(10000);
    connect(m_clock, &QTimer::timeout, this, &KvPanel::updateExpirationLabel);
    m_clock->start();

    auto shortcut = [this](const QKeySequence &keys, auto slot) {
        auto *s = new QShortcut(keys, this);
        s->setContext(Qt::WidgetWithChildrenShortcut);
        connect(s, &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence::New, [this] { newKey(); });
    shortcut(QKeySequence::Save, [this] {
        if (m_editorStack->currentIndex() == 1)
            save();
    });
    shortcut(QKeySequence::Find, [this] {
        m_prefix->setFocus();
        m_prefix->selectAll();
    });
    shortcut(QKeySequence::Refresh, [this] { refresh(); });
    auto *del = new QShortcut(QKeySequence::Delete, m_keys);
    del->setContext(Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &KvPanel::deleteCurrent);

    updateListState();
}

QString KvPanel::keysPath() const
{
    return QStringLiteral("/__edgedesk/v1/kv/%1/keys")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_binding)));
}

QString KvPanel::keyPath(const QString &key) const
{
    return keysPath() + QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(key));
}

void KvPanel::setPageSize(int keys)
{
    m_pageSize = qBound(1, keys, 1000);
}

void KvPanel::activated()
{
    if (!m_binding.isEmpty() && !m_loadingPage)
        refresh();
}

void KvPanel::serverReady()
{
    loadConfig();
}

void KvPanel::saveState()
{
    AppSettings *s = context().settings;
    s->setPanelValue(kPanel, QStringLiteral("prefix"), m_prefix->text());
    s->setPanelValue(kPanel, QStringLiteral("key"), m_openedKey);
    s->setPanelValue(kPanel, QStringLiteral("splitter"), m_splitter->saveState());
    s->setPanelValue(kPanel, QStringLiteral("ttlUnit"), m_ttlUnit->currentIndex());
}

void KvPanel::loadConfig()
{
    context().api->get(QStringLiteral("/__edgedesk/v1/config"), this, [this](const ApiResponse &r) {
        if (!r.ok()) {
            m_unavailable->set(tr("Cannot read the configuration"), r.describeError());
            m_pages->setCurrentIndex(0);
            return;
        }
        const QJsonArray namespaces = r.json().value(QStringLiteral("kv_namespaces")).toArray();
        const QString binding =
            namespaces.first().toObject().value(QStringLiteral("binding")).toString();
        if (binding.isEmpty()) {
            m_binding.clear();
            m_unavailable->set(tr("No KV namespace is configured"),
                               tr("Add a \"kv_namespaces\" entry to your wrangler.jsonc, for "
                                  "example [{\"binding\": \"MY_KV\"}], then restart the "
                                  "server from Settings."));
            m_pages->setCurrentIndex(0);
            return;
        }
        const bool first = m_binding.isEmpty();
        m_binding = binding;
        m_intro->setText(tr("<b>%1</b> — key-value storage: short values your code reads "
                            "and writes by key (<code>GET /kv?key=…</code>). Values up to "
                            "25 MiB, with optional JSON metadata and an expiration.")
                             .arg(binding.toHtmlEscaped()));
        m_pages->setCurrentIndex(1);
        refresh();
        const QString last =
            context().settings->panelValue(kPanel, QStringLiteral("key")).toString();
        if (first && !last.isEmpty() && m_openedKey.isEmpty() && !m_editingNew)
            openKey(last);
    });
}

void KvPanel::refresh()
{
    if (m_binding.isEmpty())
        return;
    requestPage(false);
}

void KvPanel::loadMore()
{
    if (m_binding.isEmpty() || m_listComplete || m_cursor.isEmpty())
        return;
    requestPage(true);
}

void KvPanel::requestPage(bool append)
{
    const quint64 generation = ++m_listGeneration;
    m_loadingPage = true;
    m_loadMore->setEnabled(false);
    QString path = keysPath() + QStringLiteral("?limit=%1").arg(m_pageSize);
    const QString prefix = m_prefix->text();
    if (!prefix.isEmpty())
        path += QStringLiteral("&prefix=") + QString::fromLatin1(QUrl::toPercentEncoding(prefix));
    if (append)
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(m_cursor));
    context().api->get(path, this, [this, generation, append](const ApiResponse &r) {
        // A newer request (the user kept typing) supersedes this one.
        if (generation != m_listGeneration)
            return;
        m_loadingPage = false;
        m_loadMore->setEnabled(true);
        if (!r.ok()) {
            m_listInfo->setText(tr("Cannot list the keys: %1").arg(r.describeError()));
            m_listInfo->setStyleSheet(QStringLiteral("color: #d64545;"));
            return;
        }
        showPage(r.json(), append);
    });
}

void KvPanel::showPage(const QJsonObject &page, bool append)
{
    m_listInfo->setStyleSheet(QString());
    const QSignalBlocker block(m_keys);
    if (!append)
        m_keys->clear();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonArray keys = page.value(QStringLiteral("keys")).toArray();
    for (const QJsonValue &v : keys) {
        const QJsonObject k = v.toObject();
        const QString name = k.value(QStringLiteral("name")).toString();
        auto *item = new QTreeWidgetItem(m_keys);
        item->setText(0, name);
        item->setToolTip(0, name);
        item->setData(0, Qt::UserRole, name);
        const qint64 expiration = qint64(k.value(QStringLiteral("expiration")).toDouble());
        if (expiration > 0) {
            item->setText(1, localTime(expiration));
            item->setToolTip(1, describeExpiresIn(expiration - now));
        }
        const QJsonValue metadata = k.value(QStringLiteral("metadata"));
        if (!metadata.isUndefined() && !metadata.isNull()) {
            const QString text =
                metadata.isObject()
                    ? QString::fromUtf8(
                          QJsonDocument(metadata.toObject()).toJson(QJsonDocument::Compact))
                : metadata.isArray()
                    ? QString::fromUtf8(
                          QJsonDocument(metadata.toArray()).toJson(QJsonDocument::Compact))
                    : metadata.toVariant().toString();
            item->setText(2, text);
            item->setToolTip(2, text);
        }
    }
    m_cursor = page.value(QStringLiteral("cursor")).toString();
    m_listComplete = page.value(QStringLiteral("list_complete")).toBool(true);
    if (!m_openedKey.isEmpty())
        selectListed(m_openedKey);
    updateListState();
}

void KvPanel::updateListState()
{
    const int count = m_keys->topLevelItemCount();
    if (count == 0) {
        const QString prefix = m_prefix->text();
        if (prefix.isEmpty())
            m_listEmpty->set(tr("This namespace is empty"),
                             tr("Click New key (Ctrl+N) to store a value. Your code and curl "
                                "see the same keys."));
        else
            m_listEmpty->set(tr("No keys start with “%1”").arg(prefix),
                             tr("Clear the filter to see every key."));
        m_listStack->setCurrentWidget(m_listEmpty);
    } else {
        m_listStack->setCurrentWidget(m_keys);
    }
    if (m_listComplete)
        m_listInfo->setText(count == 1 ? tr("1 key") : tr("%1 keys").arg(count));
    else
        m_listInfo->setText(tr("%1 keys shown, more available").arg(count));
    m_loadMore->setVisible(!m_listComplete);
    m_delete->setEnabled(!m_openedKey.isEmpty() && !m_editingNew);
}

void KvPanel::selectListed(const QString &key)
{
    const QSignalBlocker block(m_keys);
    for (int i = 0; i < m_keys->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_keys->topLevelItem(i);
        if (item->data(0, Qt::UserRole).toString() == key) {
            m_keys->setCurrentItem(item);
            return;
        }
    }
    m_keys->clearSelection();
    m_keys->setCurrentItem(nullptr);
}

QStringList KvPanel::listedKeys() const
{
    QStringList out;
    for (int i = 0; i < m_keys->topLevelItemCount(); ++i)
        out.append(m_keys->topLevelItem(i)->data(0, Qt::UserRole).toString());
    return out;
}

void KvPanel::openKey(const QString &key)
{
    if (m_binding.isEmpty() || key.isEmpty())
        return;
    const quint64 generation = ++m_valueGeneration;
    setStatus(tr("Loading “%1”…").arg(key));
    context().api->get(keyPath(key), this, [this, generation, key](const ApiResponse &r) {
        if (generation != m_valueGeneration)
            return;
        if (!r.ok()) {
            setStatus(tr("Cannot read “%1”: %2").arg(key, r.describeError()), true);
            if (r.status == 404)
                refresh();
            return;
        }
        showValue(key, r);
    });
}

void KvPanel::showValue(const QString &key, const ApiResponse &response)
{
    m_openedKey = key;
    m_editingNew = false;
    m_loadedValue = response.body;
    m_loadedMetadata = response.header("X-EdgeDesk-Metadata");
    m_expiration = response.header("X-EdgeDesk-Expiration").toLongLong();

    m_keyName->setText(key);
    m_keyName->setReadOnly(true);
    const QString type = QString::fromLatin1(response.header("Content-Type"));
    m_contentType->setCurrentText(type.isEmpty() ? QStringLiteral("application/octet-stream")
                                                 : type);

    const QString size = QLocale().formattedDataSize(response.body.size());
    bool isJson = false;
    const QString pretty = JsonView::prettyJson(response.body, &isJson);
    QString text;
    if (isJson) {
        setTextValue(pretty);
        m_valueInfo->setText(tr("JSON · %1").arg(size));
    } else if (isPlainText(response.body, &text)) {
        setTextValue(text);
        m_valueInfo->setText(response.body.isEmpty() ? tr("empty") : tr("text · %1").arg(size));
    } else {
        setBinaryValue(response.body);
        m_valueInfo->setText(
            tr("binary · %1 — shown as hex; use From file… to replace it").arg(size));
    }

    bool metadataIsJson = false;
    const QString prettyMetadata = JsonView::prettyJson(m_loadedMetadata, &metadataIsJson);
    m_metadata->setPlainText(metadataIsJson ? prettyMetadata : QString::fromUtf8(m_loadedMetadata));
    m_metadata->document()->setModified(false);

    {
        const QSignalBlocker block(m_ttlMode);
        m_ttlMode->setCurrentIndex(m_expiration > 0 ? 0 : 1);
    }
    updateTtlControls();
    updateExpirationLabel();
    m_editorStack->setCurrentIndex(1);
    selectListed(key);
    setStatus(QString());
    updateListState();
}

void KvPanel::setTextValue(const QString &text)
{
    m_binary = false;
    m_binaryValue.clear();
    m_valueEdit->setPlainText(text);
    m_valueEdit->document()->setModified(false);
    m_valueStack->setCurrentWidget(m_valueEdit);
    m_formatJson->setEnabled(true);
}

void KvPanel::setBinaryValue(const QByteArray &bytes)
{
    m_binary = true;
    m_binaryValue = bytes;
    m_valueEdit->clear();
    m_valueHex->setBody(bytes);
    m_valueStack->setCurrentWidget(m_valueHex);
    m_formatJson->setEnabled(false);
}

void KvPanel::newKey()
{
    if (m_binding.isEmpty() || !confirmDiscard())
        return;
    ++m_valueGeneration;
    showEditorForNewKey();
}

void KvPanel::showEditorForNewKey()
{
    m_openedKey.clear();
    m_editingNew = true;
    m_loadedValue.clear();
    m_loadedMetadata.clear();
    m_expiration = 0;
    m_keyName->clear();
    m_keyName->setReadOnly(false);
    m_contentType->setCurrentText(QStringLiteral("text/plain; charset=utf-8"));
    setTextValue(QString());
    m_valueInfo->setText(tr("new key"));
    m_metadata->clear();
    m_metadata->document()->setModified(false);
    {
        const QSignalBlocker block(m_ttlMode);
        m_ttlMode->setCurrentIndex(1);
    }
    updateTtlControls();
    updateExpirationLabel();
    {
        const QSignalBlocker block(m_keys);
        m_keys->clearSelection();
        m_keys->setCurrentItem(nullptr);
    }
    m_editorStack->setCurrentIndex(1);
    setStatus(tr("Type a key and a value, then Save (Ctrl+S)."));
    updateListState();
    m_keyName->setFocus();
}

void KvPanel::loadValueFromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        setStatus(tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()),
                  true);
        return;
    }
    if (file.size() > kMaxValueBytes) {
        setStatus(tr("%1 is %2; KV values are at most 25 MiB.")
                      .arg(QFileInfo(path).fileName(), QLocale().formattedDataSize(file.size())),
                  true);
        return;
    }
    const QByteArray bytes = file.readAll();
    if (m_editorStack->currentIndex() != 1)
        showEditorForNewKey();
    if (m_editingNew && m_keyName->text().isEmpty())
        m_keyName->setText(QFileInfo(path).fileName());
    const QString size = QLocale().formattedDataSize(bytes.size());
    QString text;
    if (isPlainText(bytes, &text)) {
        setTextValue(text);
        m_valueEdit->document()->setModified(true);
        m_valueInfo->setText(tr("text from %1 · %2").arg(QFileInfo(path).fileName(), size));
    } else {
        setBinaryValue(bytes);
        m_valueInfo->setText(tr("binary from %1 · %2").arg(QFileInfo(path).fileName(), size));
    }
    m_loadedValue.clear();
    m_contentType->setCurrentText(QMimeDatabase().mimeTypeForFile(path).name());
    setStatus(tr("Save (Ctrl+S) to store the file's bytes."));
}

bool KvPanel::editorModified() const
{
    if (m_editorStack->currentIndex() != 1)
        return false;
    if (m_valueEdit->document()->isModified() || m_metadata->document()->isModified())
        return true;
    // A file read into a key replaces the fetched bytes.
    return m_binary && m_binaryValue != m_loadedValue;
}

bool KvPanel::confirmDiscard()
{
    if (!editorModified())
        return true;
    const QString name = m_editingNew ? tr("the new key") : QStringLiteral("“%1”").arg(m_openedKey);
    return m_confirm.ask(this, tr("Discard changes?"),
                         tr("Your changes to %1 are not saved. Discard them?").arg(name),
                         tr("Discard"));
}

void KvPanel::save()
{
    if (m_binding.isEmpty() || m_editorStack->currentIndex() != 1)
        return;
    if (m_saving) {
        setStatus(tr("Still saving…"));
        return;
    }
    const QString key = m_editingNew ? m_keyName->text() : m_openedKey;
    if (key.isEmpty()) {
        setStatus(tr("Type a key name first."), true);
        m_keyName->setFocus();
        return;
    }

    QByteArray metadata;
    const QString metadataText = m_metadata->toPlainText().trimmed();
    if (!metadataText.isEmpty()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(metadataText.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || doc.isNull()) {
            setStatus(tr("The metadata is not JSON: %1 (an object such as {\"owner\": \"me\"})")
                          .arg(error.errorString()),
                      true);
            m_metadata->setFocus();
            return;
        }
        metadata = doc.toJson(QJsonDocument::Compact);
    }

    QByteArray value;
    if (m_binary)
        value = m_binaryValue;
    else if (!m_editingNew && !m_valueEdit->document()->isModified() && !m_loadedValue.isEmpty())
        value = m_loadedValue; // untouched: keep the exact bytes, not the pretty-printed form
    else
        value = m_valueEdit->toPlainText().toUtf8();

    const QString contentType = m_contentType->currentText().trimmed();
    if (contentType.contains(QLatin1String("json"), Qt::CaseInsensitive) && !m_binary) {
        QJsonParseError error;
        QJsonDocument::fromJson(value, &error);
        if (error.error != QJsonParseError::NoError) {
            setStatus(tr("The value is not valid JSON (%1 at offset %2), but the content type "
                         "says JSON.")
                          .arg(error.errorString())
                          .arg(error.offset),
                      true);
            return;
        }
    }

    QString path = keyPath(key);
    const auto mode = TtlMode(m_ttlMode->currentData().toInt());
    if (mode == TtlMode::After)
        path += QStringLiteral("?expiration_ttl=%1")
                    .arg(qint64(m_ttlAmount->value()) * m_ttlUnit->currentData().toLongLong());
    else if (mode == TtlMode::Keep && m_expiration > 0)
        path += QStringLiteral("?expiration=%1").arg(m_expiration);

    if (m_editingNew && listedKeys().contains(key) &&
        !m_confirm.ask(this, tr("Replace the key?"),
                       tr("“%1” already exists in %2. Replace its value?").arg(key, m_binding),
                       tr("Replace")))
        return;

    ApiHeaders headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType.toUtf8()});
    if (!metadata.isEmpty())
        headers.append({"X-EdgeDesk-Metadata", metadata});
    setStatus(tr("Saving “%1”…").arg(key));
    m_save->setEnabled(false);
    m_saving = context().api->call(
        "PUT", path, value, headers, this, [this, key, value](const ApiResponse &r) {
            m_save->setEnabled(true);
            if (!r.ok()) {
                setStatus(tr("Not saved: %1").arg(r.describeError()), true);
                return;
            }
            // The fresh copy shows what the server stored (and the absolute expiration).
            m_valueEdit->document()->setModified(false);
            m_metadata->document()->setModified(false);
            m_loadedValue = value;
            m_editingNew = false;
            m_openedKey = key;
            const quint64 generation = ++m_valueGeneration;
            context().api->get(
                keyPath(key), this,
                [this, generation, key, size = value.size()](const ApiResponse &fresh) {
                    if (generation != m_valueGeneration)
                        return;
                    if (fresh.ok())
                        showValue(key, fresh);
                    setStatus(
                        tr("Saved “%1” (%2) at %3.")
                            .arg(key, QLocale().formattedDataSize(size),
                                 QLocale().toString(QTime::currentTime(), QLocale::ShortFormat)));
                });
            refresh();
        });
}

void KvPanel::deleteCurrent()
{
    if (m_binding.isEmpty() || m_openedKey.isEmpty() || m_editingNew)
        return;
    const QString key = m_openedKey;
    if (!m_confirm.ask(this, tr("Delete the key?"),
                       tr("Delete “%1” from %2? This cannot be undone.").arg(key, m_binding),
                       tr("Delete")))
        return;
    context().api->call("DELETE", keyPath(key), {}, {}, this, [this, key](const ApiResponse &r) {
        if (!r.ok()) {
            setStatus(tr("Not deleted: %1").arg(r.describeError()), true);
            return;
        }
        if (m_openedKey == key) {
            ++m_valueGeneration;
            m_openedKey.clear();
            m_editingNew = false;
            m_valueEdit->document()->setModified(false);
            m_metadata->document()->setModified(false);
            m_editorStack->setCurrentIndex(0);
        }
        m_editorEmpty->set(tr("Deleted “%1”").arg(key),
                           tr("Select another key, or click New key (Ctrl+N)."));
        refresh();
    });
}

void KvPanel::updateTtlControls()
{
    // "Keep" only means something for a stored key that has an expiration.
    auto *model = qobject_cast<QStandardItemModel *>(m_ttlMode->model());
    if (model)
        model->item(0)->setEnabled(m_expiration > 0 && !m_editingNew);
    if (m_ttlMode->currentIndex() == 0 && !(m_expiration > 0 && !m_editingNew)) {
        const QSignalBlocker block(m_ttlMode);
        m_ttlMode->setCurrentIndex(1);
    }
    const bool after = TtlMode(m_ttlMode->currentData().toInt()) == TtlMode::After;
    m_ttlAmount->setEnabled(after);
    m_ttlUnit->setEnabled(after);
}

void KvPanel::updateExpirationLabel()
{
    if (m_editingNew || m_openedKey.isEmpty()) {
        m_expirationLabel->setText(tr("Set when saving"));
        return;
    }
    if (m_expiration <= 0) {
        m_expirationLabel->setText(tr("Never expires"));
        return;
    }
    const qint64 left = m_expiration - QDateTime::currentSecsSinceEpoch();
    m_expirationLabel->setText(
        left > 0 ? tr("Expires %1 (%2)").arg(localTime(m_expiration), describeExpiresIn(left))
                 : tr("Expired %1").arg(localTime(m_expiration)));
}

void KvPanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("color: #d64545;") : QString());
}

} // namespace edgedesk
