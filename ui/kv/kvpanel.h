#pragma once

#include "apiclient.h"
#include "panel.h"
#include "widgets/confirmprompt.h"

#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QStackedWidget;
class QTimer;
class QTreeWidget;
class QTreeWidgetItem;

namespace edgedesk {

class EmptyHint;
class JsonView;

// The KV section: browse a namespace's keys by prefix (a page at a time), view and edit a
// value with its metadata and expiration, add and delete keys. Everything goes through
// /__edgedesk/v1/kv/<namespace>/keys.
class KvPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KvPanel)

public:
    KvPanel(const PanelContext &context, QWidget *parent);

    void activated() override;
    void serverReady() override;
    void saveState() override;

    // The namespace shown (kv_namespaces[0].binding); empty until the config arrived.
    QString namespaceBinding() const { return m_binding; }
    // Keys asked per page; "Load more" fetches the next page with the cursor.
    void setPageSize(int keys);
    int pageSize() const { return m_pageSize; }
    ConfirmPrompt &confirmPrompt() { return m_confirm; }

    // What the buttons do.
    void refresh();
    void loadMore();
    void newKey();
    void openKey(const QString &key);
    void save();
    void deleteCurrent();
    // Reads a file as the value (binary values can only be replaced this way).
    void loadValueFromFile(const QString &path);

    QStringList listedKeys() const;
    QString openedKey() const { return m_openedKey; }
    bool valueIsBinary() const { return m_binary; }

    // "in 3 min", "in 2 h 5 min", "in 4 days"; "expired" for seconds ≤ 0.
    static QString describeExpiresIn(qint64 seconds);

private:
    enum class TtlMode
    {
        Keep,
        None,
        After
    };

    void buildUi();
    void loadConfig();
    void requestPage(bool append);
    void showPage(const QJsonObject &page, bool append);
    void updateListState();
    void showValue(const QString &key, const ApiResponse &response);
    void showEditorForNewKey();
    void setTextValue(const QString &text);
    void setBinaryValue(const QByteArray &bytes);
    void updateExpirationLabel();
    void updateTtlControls();
    void setStatus(const QString &text, bool error = false);
    bool confirmDiscard();
    bool editorModified() const;
    void selectListed(const QString &key);
    QString keysPath() const;
    QString keyPath(const QString &key) const;

    ConfirmPrompt m_confirm;
    QString m_binding;
    int m_pageSize = 100;
    QString m_cursor;
    bool m_listComplete = true;
    quint64 m_listGeneration = 0;
    quint64 m_valueGeneration = 0;
    bool m_loadingPage = false;

    QString m_openedKey; // empty: a new key is being written (or nothing is open)
    bool m_editingNew = false;
    bool m_binary = false;
    QByteArray m_binaryValue;
    QByteArray m_loadedValue; // as fetched, so an untouched JSON value is saved byte for byte
    QByteArray m_loadedMetadata;
    qint64 m_expiration = 0; // seconds since the epoch; 0: none
    QPointer<QNetworkReply> m_saving;

    QStackedWidget *m_pages = nullptr; // waiting / no namespace / browser
    EmptyHint *m_unavailable = nullptr;
    QLabel *m_intro = nullptr;
    QSplitter *m_splitter = nullptr;
    QLineEdit *m_prefix = nullptr;
    QTimer *m_prefixDebounce = nullptr;
    QStackedWidget *m_listStack = nullptr;
    QTreeWidget *m_keys = nullptr;
    EmptyHint *m_listEmpty = nullptr;
    QLabel *m_listInfo = nullptr;
    QPushButton *m_loadMore = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_refresh = nullptr;

    QStackedWidget *m_editorStack = nullptr;
    EmptyHint *m_editorEmpty = nullptr;
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
