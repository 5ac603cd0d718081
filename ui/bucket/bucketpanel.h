#pragma once

#include "apiclient.h"
#include "panel.h"
#include "widgets/confirmprompt.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QPixmap>
#include <QPointer>

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace edgedesk {

class BreadcrumbBar;
class EmptyHint;

// The Bucket section: browse an R2-style bucket by '/' folders, upload files (picker or drag and
// drop, with progress), download, delete, and preview images through the /image route.
// Everything goes through /__edgedesk/v1/r2/<bucket>/objects and /image.
class BucketPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BucketPanel)

public:
    BucketPanel(const PanelContext &context, QWidget *parent);

    void activated() override;
    void serverReady() override;
    void saveState() override;

    // The bucket shown (r2_buckets[0].binding); empty until the config arrived.
    QString bucketBinding() const { return m_binding; }
    // The folder shown: empty or ending with '/'.
    QString currentPrefix() const { return m_prefix; }
    void setPageSize(int entries);
    ConfirmPrompt &confirmPrompt() { return m_confirm; }

    // What the buttons do.
    void refresh();
    void loadMore();
    void openPrefix(const QString &prefix);
    // Files and folders (recursively) into the current folder, one after another.
    void uploadFiles(const QStringList &paths);
    void downloadTo(const QString &key, const QString &path);
    void deleteSelected();
    void cancelTransfer();
    void selectKey(const QString &key);

    bool isTransferring() const;
    QStringList listedKeys() const;    // objects in the folder shown
    QStringList listedFolders() const; // sub-folder prefixes
    QString previewedKey() const { return m_previewKey; }
    QSize previewImageSize() const { return m_previewPixmap.size(); }

Q_SIGNALS:
    // Uploads, a download or deletions finished (tests wait for it); `ok` when all succeeded.
    void transferFinished(bool ok);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Upload
    {
        QString path;
        QString key;
        qint64 size = 0;
    };

    void buildUi();
    void loadConfig();
    void requestPage(bool append);
    void showPage(const QJsonObject &page, bool append);
    void updateListState();
    void updateActions();
    void showPreview(QTreeWidgetItem *item);
    void clearPreview(const QString &title, const QString &text);
    void fitPreview();
    void startNextUpload();
    void finishUploads();
    void deleteNext(QStringList keys, QStringList failures, int done);
    void showTransfer(const QString &label);
    void hideTransfer();
    void setStatus(const QString &text, bool error = false);
    QString objectsPath() const;
    QString objectPath(const QString &key) const;
    QTreeWidgetItem *itemForKey(const QString &key) const;

    ConfirmPrompt m_confirm;
    QString m_binding;
    QString m_prefix;
    int m_pageSize = 200;
    QString m_cursor;
    bool m_truncated = false;
    quint64 m_listGeneration = 0;
    quint64 m_previewGeneration = 0;
    QString m_selectAfterRefresh;

    QList<Upload> m_queue;
    qint64 m_queueBytes = 0;
    qint64 m_doneBytes = 0;
    int m_queueFiles = 0;
    int m_doneFiles = 0;
    QStringList m_failures;
    QString m_lastUploaded;
    bool m_cancelled = false;
    bool m_deleting = false;
    QPointer<QNetworkReply> m_transfer;
    QElapsedTimer m_transferTimer;

    QString m_previewKey;
    QPixmap m_previewPixmap;
    QJsonObject m_previewObject;

    QStackedWidget *m_pages = nullptr;
    EmptyHint *m_unavailable = nullptr;
    QLabel *m_intro = nullptr;
    BreadcrumbBar *m_crumbs = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_up = nullptr;
    QPushButton *m_upload = nullptr;
    QPushButton *m_download = nullptr;
    QPushButton *m_delete = nullptr;
    QSplitter *m_splitter = nullptr;
    QStackedWidget *m_listStack = nullptr;
    QTreeWidget *m_objects = nullptr;
    EmptyHint *m_listEmpty = nullptr;
    QLabel *m_listInfo = nullptr;
    QPushButton *m_loadMore = nullptr;
    QLabel *m_previewTitle = nullptr;
    QLabel *m_preview = nullptr;
    QLabel *m_previewInfo = nullptr;
    QLabel *m_previewDetails = nullptr;
    QWidget *m_transferRow = nullptr;
    QLabel *m_transferLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace edgedesk
