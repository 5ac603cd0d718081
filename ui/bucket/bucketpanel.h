#pragma once

#include "panel.h"
#include "widgets/confirmprompt.h"

class QPushButton;
class QSplitter;

namespace edgedesk {

class BindingPages;
class BreadcrumbBar;
class BucketTransfers;
class ObjectBrowser;
class ObjectPreview;

// The Bucket section: browse an R2-style bucket by '/' folders (ObjectBrowser), preview images
// through the /image route (ObjectPreview), upload files (picker or drag and drop), download and
// delete (BucketTransfers). Everything goes through /__edgedesk/v1/r2/<bucket>/objects and
// /image.
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
    QString bucketBinding() const;
    // The folder shown: empty or ending with '/'.
    QString currentPrefix() const;
    void setPageSize(int entries);
    ConfirmPrompt &confirmPrompt() { return m_confirm; }

    // What the buttons do.
    void refresh();
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
    QString previewedKey() const;
    QSize previewImageSize() const;

Q_SIGNALS:
    // Uploads, a download or deletions finished (tests wait for it); `ok` when all succeeded.
    void transferFinished(bool ok);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildUi();
    void connectParts();
    void buildShortcuts();
    void loadConfig();
    void updateActions();
    void chooseUpload();
    void chooseDownload();

    ConfirmPrompt m_confirm;
    BindingPages *m_pages = nullptr;
    BreadcrumbBar *m_crumbs = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_up = nullptr;
    QPushButton *m_upload = nullptr;
    QPushButton *m_download = nullptr;
    QPushButton *m_delete = nullptr;
    QSplitter *m_splitter = nullptr;
    ObjectBrowser *m_browser = nullptr;
    ObjectPreview *m_preview = nullptr;
    BucketTransfers *m_transfers = nullptr;
};

} // namespace edgedesk
