#pragma once

#include "apiclient.h"
#include "panel.h"
#include "widgets/confirmprompt.h"

#include <QPointer>

class QSplitter;

namespace edgedesk {

class BindingPages;
class KeyList;
class ValueEditor;

// The KV section: browse a namespace's keys by prefix, a page at a time (KeyList), view and
// edit a value with its metadata and expiration (ValueEditor), add and delete keys. Everything
// goes through /__edgedesk/v1/kv/<namespace>/keys.
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
    int pageSize() const;
    ConfirmPrompt &confirmPrompt() { return m_confirm; }

    // What the buttons do.
    void refresh();
    void newKey();
    void openKey(const QString &key);
    void save();
    void deleteCurrent();
    // Reads a file as the value (binary values can only be replaced this way).
    void loadValueFromFile(const QString &path);

    QStringList listedKeys() const;
    QString openedKey() const;
    bool valueIsBinary() const;

private:
    void buildUi();
    void loadConfig();
    void showValue(const QString &key, const ApiResponse &response);
    void updateDeleteButton();
    bool confirmDiscard();
    QString keyPath(const QString &key) const;

    ConfirmPrompt m_confirm;
    QString m_binding;
    quint64 m_valueGeneration = 0;
    QPointer<QNetworkReply> m_saving;

    BindingPages *m_pages = nullptr;
    QSplitter *m_splitter = nullptr;
    KeyList *m_list = nullptr;
    ValueEditor *m_editor = nullptr;
};

} // namespace edgedesk
