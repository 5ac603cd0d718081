#include "kv/valueeditor.h"

#include "appsettings.h"
#include "kv/expiresin.h"
#include "panel.h"
#include "widgets/displayformat.h"
#include "widgets/emptyhint.h"
#include "widgets/jsonview.h"
#include "widgets/labels.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMimeDatabase>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStringDecoder>
#include <QTimer>
#include <QVBoxLayout>

namespace edgedesk {

namespace {

constexpr qint64 kMaxValueBytes = 25 * 1024 * 1024; // the server's KvStore limit

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
    return DisplayFormat::timestamp(QDateTime::fromSecsSinceEpoch(secs));
}

} // namespace

ValueEditor::ValueEditor(AppSettings *settings, const QString &panel, QWidget *parent)
    : QStackedWidget(parent)
{
    m_hint = new EmptyHint(QStringLiteral("kv"), this);
    m_hint->set(tr("No key selected"),
                tr("Select a key to see its value, metadata and expiration, or click New "
                   "key (Ctrl+N) to store one."));
    addWidget(m_hint);
    m_form = buildForm();
    addWidget(m_form);
    m_ttlUnit->setCurrentIndex(settings->panelValue(panel, QStringLiteral("ttlUnit"), 2).toInt());

    connect(m_save, &QPushButton::clicked, this, &ValueEditor::saveRequested);
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
    connect(m_fromFile, &QPushButton::clicked, this, [this, settings, panel] {
        const QString dir = settings->panelValue(panel, QStringLiteral("fileDir")).toString();
        const QString path = QFileDialog::getOpenFileName(this, tr("Value from a file"), dir);
        if (path.isEmpty())
            return;
        settings->setPanelValue(panel, QStringLiteral("fileDir"), QFileInfo(path).absolutePath());
        loadValueFromFile(path);
    });
    connect(m_ttlMode, &QComboBox::currentIndexChanged, this, &ValueEditor::updateTtlControls);
    m_clock = new QTimer(this);
    m_clock->setInterval(10000);
    connect(m_clock, &QTimer::timeout, this, &ValueEditor::updateExpirationLabel);
    m_clock->start();
}

QWidget *ValueEditor::buildForm()
{
    auto *editor = new QWidget(this);
    auto *layout = new QVBoxLayout(editor);
    layout->setContentsMargins(6, 0, 0, 0);
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
    layout->addLayout(form);

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
    m_fromFile =
        new QPushButton(Panel::themedIcon(QStringLiteral("upload")), tr("From file…"), editor);
    m_fromFile->setObjectName(QStringLiteral("kvFromFile"));
    m_fromFile->setToolTip(tr("Replace the value with a file's bytes (text or binary)"));
    valueHeader->addWidget(valueLabel);
    valueHeader->addWidget(m_valueInfo, 1);
    valueHeader->addWidget(m_formatJson);
    valueHeader->addWidget(m_fromFile);
    layout->addLayout(valueHeader);

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
    layout->addWidget(m_valueStack, 3);

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
    ttlRow->addWidget(m_ttlMode);
    ttlRow->addWidget(m_ttlAmount);
    ttlRow->addWidget(m_ttlUnit);
    ttlRow->addStretch(1);
    lower->addRow(tr("When saving"), ttlRow);
    layout->addLayout(lower);

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
    layout->addLayout(saveRow);
    return editor;
}

bool ValueEditor::isOpen() const
{
    return currentWidget() == m_form;
}

void ValueEditor::showHint(const QString &title, const QString &text)
{
    m_openedKey.clear();
    m_editingNew = false;
    m_valueEdit->document()->setModified(false);
    m_metadata->document()->setModified(false);
    m_hint->set(title, text);
    setCurrentWidget(m_hint);
}

void ValueEditor::showValue(const QString &key, const ApiResponse &response)
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

    const QString size = DisplayFormat::bytes(response.body.size());
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
    setCurrentWidget(m_form);
    setStatus(QString());
}

void ValueEditor::showNewKey()
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
    setCurrentWidget(m_form);
    setStatus(tr("Type a key and a value, then Save (Ctrl+S)."));
    m_keyName->setFocus();
}

void ValueEditor::setTextValue(const QString &text)
{
    m_binary = false;
    m_binaryValue.clear();
    m_valueEdit->setPlainText(text);
    m_valueEdit->document()->setModified(false);
    m_valueStack->setCurrentWidget(m_valueEdit);
    m_formatJson->setEnabled(true);
}

void ValueEditor::setBinaryValue(const QByteArray &bytes)
{
    m_binary = true;
    m_binaryValue = bytes;
    m_valueEdit->clear();
    m_valueHex->setBody(bytes);
    m_valueStack->setCurrentWidget(m_valueHex);
    m_formatJson->setEnabled(false);
}

void ValueEditor::loadValueFromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        setStatus(tr("Cannot read %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()),
                  true);
        return;
    }
    if (file.size() > kMaxValueBytes) {
        setStatus(tr("%1 is %2; KV values are at most 25 MiB.")
                      .arg(QFileInfo(path).fileName(), DisplayFormat::bytes(file.size())),
                  true);
        return;
    }
    const QByteArray bytes = file.readAll();
    if (!isOpen())
        showNewKey();
    if (m_editingNew && m_keyName->text().isEmpty())
        m_keyName->setText(QFileInfo(path).fileName());
    const QString size = DisplayFormat::bytes(bytes.size());
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

bool ValueEditor::isModified() const
{
    if (!isOpen())
        return false;
    if (m_valueEdit->document()->isModified() || m_metadata->document()->isModified())
        return true;
    // A file read into a key replaces the fetched bytes.
    return m_binary && m_binaryValue != m_loadedValue;
}

Result<ValueEditor::Write> ValueEditor::write()
{
    Write w;
    w.key = m_editingNew ? m_keyName->text() : m_openedKey;
    if (w.key.isEmpty()) {
        m_keyName->setFocus();
        return makeError(QStringLiteral("bad_request"), tr("Type a key name first."));
    }
    QByteArray metadata;
    const QString metadataText = m_metadata->toPlainText().trimmed();
    if (!metadataText.isEmpty()) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(metadataText.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || doc.isNull()) {
            m_metadata->setFocus();
            return makeError(
                QStringLiteral("bad_request"),
                tr("The metadata is not JSON: %1 (an object such as {\"owner\": \"me\"})")
                    .arg(error.errorString()));
        }
        metadata = doc.toJson(QJsonDocument::Compact);
    }

    if (m_binary)
        w.value = m_binaryValue;
    else if (!m_editingNew && !m_valueEdit->document()->isModified() && !m_loadedValue.isEmpty())
        w.value = m_loadedValue; // untouched: keep the exact bytes, not the pretty-printed form
    else
        w.value = m_valueEdit->toPlainText().toUtf8();

    const QString contentType = m_contentType->currentText().trimmed();
    if (contentType.contains(QLatin1String("json"), Qt::CaseInsensitive) && !m_binary) {
        QJsonParseError error;
        QJsonDocument::fromJson(w.value, &error);
        if (error.error != QJsonParseError::NoError)
            return makeError(QStringLiteral("bad_request"),
                             tr("The value is not valid JSON (%1 at offset %2), but the content "
                                "type says JSON.")
                                 .arg(error.errorString())
                                 .arg(error.offset));
    }

    const auto mode = TtlMode(m_ttlMode->currentData().toInt());
    if (mode == TtlMode::After)
        w.query = QStringLiteral("?expiration_ttl=%1")
                      .arg(qint64(m_ttlAmount->value()) * m_ttlUnit->currentData().toLongLong());
    else if (mode == TtlMode::Keep && m_expiration > 0)
        w.query = QStringLiteral("?expiration=%1").arg(m_expiration);
    if (!contentType.isEmpty())
        w.headers.append({"Content-Type", contentType.toUtf8()});
    if (!metadata.isEmpty())
        w.headers.append({"X-EdgeDesk-Metadata", metadata});
    return w;
}

void ValueEditor::markSaved(const QString &key, const QByteArray &value)
{
    m_valueEdit->document()->setModified(false);
    m_metadata->document()->setModified(false);
    m_loadedValue = value;
    m_editingNew = false;
    m_openedKey = key;
}

void ValueEditor::setSaving(bool saving)
{
    m_save->setEnabled(!saving);
}

void ValueEditor::setStatus(const QString &text, bool error)
{
    showStatus(m_status, text, error);
}

void ValueEditor::saveState(AppSettings *settings, const QString &panel) const
{
    settings->setPanelValue(panel, QStringLiteral("ttlUnit"), m_ttlUnit->currentIndex());
}

void ValueEditor::updateTtlControls()
{
    // "Keep" only means something for a stored key that has an expiration.
    const bool canKeep = m_expiration > 0 && !m_editingNew;
    if (auto *model = qobject_cast<QStandardItemModel *>(m_ttlMode->model()))
        model->item(0)->setEnabled(canKeep);
    if (m_ttlMode->currentIndex() == 0 && !canKeep) {
        const QSignalBlocker block(m_ttlMode);
        m_ttlMode->setCurrentIndex(1);
    }
    const bool after = TtlMode(m_ttlMode->currentData().toInt()) == TtlMode::After;
    m_ttlAmount->setEnabled(after);
    m_ttlUnit->setEnabled(after);
}

void ValueEditor::updateExpirationLabel()
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

} // namespace edgedesk
