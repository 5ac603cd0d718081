#pragma once

#include "apiclient.h"
#include "util/result.h"

#include <QStackedWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace edgedesk {

class AppSettings;
class EmptyHint;
class JsonView;

// One KV value being read or written: the key, its content type, the value (text and JSON in an
// editor, binary bytes as a read-only hex view that only a file can replace), its JSON metadata,
// its expiration and what saving does with it. Shows a hint while no key is open.
class ValueEditor final : public QStackedWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ValueEditor)

public:
    // A PUT of the key, as the inputs describe it.
    struct Write
    {
        QString key;
        QString query; // "?expiration_ttl=..." or "?expiration=...", or empty
        QByteArray value;
        ApiHeaders headers;
    };

    ValueEditor(AppSettings *settings, const QString &panel, QWidget *parent);

    bool isOpen() const;
    QString openedKey() const { return m_openedKey; } // empty for a new key
    bool isNew() const { return m_editingNew; }
    bool isBinary() const { return m_binary; }
    // Unsaved edits (a file read into the value counts).
    bool isModified() const;

    void showHint(const QString &title, const QString &text);
    // A key as GET .../keys/<key> answered it.
    void showValue(const QString &key, const ApiResponse &response);
    void showNewKey();
    // Reads a file as the value (binary values can only be replaced this way).
    void loadValueFromFile(const QString &path);
    // The write the inputs describe, or why they describe none (the field at fault gets focus).
    Result<Write> write();
    // The write went through: the editor shows `key` as stored, unmodified.
    void markSaved(const QString &key, const QByteArray &value);
    void setSaving(bool saving);
    void setStatus(const QString &text, bool error = false);
    void saveState(AppSettings *settings, const QString &panel) const;

Q_SIGNALS:
    void saveRequested();

private:
    enum class TtlMode
    {
        Keep,
        None,
        After
    };

    QWidget *buildForm();
    void setTextValue(const QString &text);
    void setBinaryValue(const QByteArray &bytes);
    void updateExpirationLabel();
    void updateTtlControls();

    QString m_openedKey;
    bool m_editingNew = false;
    bool m_binary = false;
    QByteArray m_binaryValue;
    QByteArray m_loadedValue; // as fetched, so an untouched JSON value is saved byte for byte
    QByteArray m_loadedMetadata;
    qint64 m_expiration = 0; // seconds since the epoch; 0: none

    EmptyHint *m_hint = nullptr;
    QWidget *m_form = nullptr;
    QLineEdit *m_keyName = nullptr;
    QComboBox *m_contentType = nullptr;
    QLabel *m_valueInfo = nullptr;
    QStackedWidget *m_valueStack = nullptr;
    QPlainTextEdit *m_valueEdit = nullptr;
    JsonView *m_valueHex = nullptr;
    QPushButton *m_fromFile = nullptr;
    QPushButton *m_formatJson = nullptr;
    QPlainTextEdit *m_metadata = nullptr;
    QLabel *m_expirationLabel = nullptr;
    QComboBox *m_ttlMode = nullptr;
    QSpinBox *m_ttlAmount = nullptr;
    QComboBox *m_ttlUnit = nullptr;
    QPushButton *m_save = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_clock = nullptr;
};

} // namespace edgedesk
