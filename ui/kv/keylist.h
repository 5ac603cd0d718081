#pragma once

#include <QStringList>
#include <QWidget>

class QJsonObject;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTimer;
class QTreeWidget;

namespace edgedesk {

class ApiClient;
class EmptyHint;

// A KV namespace's keys, filtered by prefix as the user types, a page at a time ("Load more"
// follows the cursor), each with its expiration and metadata; New key and Delete below.
class KeyList final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyList)

public:
    KeyList(ApiClient *api, const QString &prefix, QWidget *parent);

    void setNamespace(const QString &binding) { m_binding = binding; }
    void setPageSize(int keys);
    int pageSize() const { return m_pageSize; }
    QString prefix() const;
    bool isLoading() const { return m_loading; }

    void refresh();
    void loadMore();
    void focusFilter();
    // Makes `key` the current row without reporting it (none: no current row).
    void showCurrent(const QString &key);
    void setDeleteEnabled(bool enabled);
    QStringList listedKeys() const;
    QTreeWidget *tree() const { return m_keys; }

Q_SIGNALS:
    // The user picked `key`; `previous` is the key that was current.
    void keyChosen(const QString &key, const QString &previous);
    // A page arrived (the panel marks the key it has open).
    void listed();
    void newKeyRequested();
    void deleteRequested();

private:
    void requestPage(bool append);
    void showPage(const QJsonObject &page, bool append);
    void updateListState();

    ApiClient *m_api;
    QString m_binding;
    int m_pageSize = 100;
    QString m_cursor;
    bool m_listComplete = true;
    quint64 m_generation = 0;
    bool m_loading = false;

    QLineEdit *m_prefix = nullptr;
    QTimer *m_prefixDebounce = nullptr;
    QPushButton *m_refresh = nullptr;
    QStackedWidget *m_listStack = nullptr;
    QTreeWidget *m_keys = nullptr;
    EmptyHint *m_listEmpty = nullptr;
    QLabel *m_listInfo = nullptr;
    QPushButton *m_loadMore = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_delete = nullptr;
};

} // namespace edgedesk
