#pragma once

#include <QJsonObject>
#include <QStringList>
#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace edgedesk {

class ApiClient;
class EmptyHint;

// One folder of a bucket, a page at a time: sub-folders first (by the '/' delimiter), then the
// objects with size, type and upload time; "Load more" fetches the next page. An empty folder
// shows what to do instead of a blank table.
class ObjectBrowser final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectBrowser)

public:
    ObjectBrowser(ApiClient *api, QWidget *parent);

    void setBucket(const QString &binding) { m_bucket = binding; }
    QString bucket() const { return m_bucket; }
    // The folder shown: empty or ending with '/'. Takes effect with the next refresh().
    void setPrefix(const QString &prefix) { m_prefix = prefix; }
    QString prefix() const { return m_prefix; }
    void setPageSize(int entries);

    void refresh();
    void loadMore();
    // The next listing selects this key (an object just uploaded) instead of the current one.
    void selectAfterRefresh(const QString &key) { m_selectAfterRefresh = key; }
    void selectKey(const QString &key);

    bool isEmpty() const;
    QStringList listedKeys() const;    // objects in the folder shown
    QStringList listedFolders() const; // sub-folder prefixes
    QStringList selectedObjectKeys() const;
    // The object that is current and selected; empty for none or a folder.
    QString currentObjectKey() const;
    QTreeWidget *tree() const { return m_objects; }

Q_SIGNALS:
    // The current row changed (or a listing brought it back): a folder, an object, or nothing
    // (empty key).
    void currentChanged(const QString &key, bool folder, const QJsonObject &object);
    void folderActivated(const QString &prefix);
    void selectionChanged();
    void listFailed(const QString &message);

private:
    void requestPage(bool append);
    void showPage(const QJsonObject &page, bool append);
    void updateListState();
    void reportCurrent();
    QTreeWidgetItem *itemForKey(const QString &key) const;

    ApiClient *m_api;
    QString m_bucket;
    QString m_prefix;
    int m_pageSize = 200;
    QString m_cursor;
    bool m_truncated = false;
    quint64 m_generation = 0;
    QString m_selectAfterRefresh;
    QString m_reportedKey; // what currentChanged last said

    QStackedWidget *m_listStack = nullptr;
    QTreeWidget *m_objects = nullptr;
    EmptyHint *m_listEmpty = nullptr;
    QLabel *m_listInfo = nullptr;
    QPushButton *m_loadMore = nullptr;
};

} // namespace edgedesk
