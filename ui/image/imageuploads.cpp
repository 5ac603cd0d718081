#include "image/imageuploads.h"

#include "bucket/uploadqueue.h"
#include "panel.h"
#include "widgets/displayformat.h"
#include "widgets/messagebanner.h"

#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QMimeDatabase>
#include <QProgressBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace edgedesk {

ImageUploads::ImageUploads(ApiClient *api, QWidget *parent)
    : QWidget(parent), m_queue(new UploadQueue(api, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_row = new QWidget(this);
    auto *rowLayout = new QGridLayout(m_row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    m_label = new QLabel(m_row);
    m_label->setObjectName(QStringLiteral("imageUploadLabel"));
    m_label->setWordWrap(true);
    m_bar = new QProgressBar(m_row);
    m_bar->setObjectName(QStringLiteral("imageUploadProgress"));
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(false);
    m_cancel = new QToolButton(m_row);
    m_cancel->setObjectName(QStringLiteral("imageUploadCancel"));
    m_cancel->setIcon(Panel::themedIcon(QStringLiteral("stop")));
    m_cancel->setToolTip(tr("Cancel the uploads"));
    m_cancel->setAccessibleName(tr("Cancel the uploads"));
    m_cancel->setAutoRaise(true);
    rowLayout->addWidget(m_label, 0, 0, 1, 2);
    rowLayout->addWidget(m_bar, 1, 0);
    rowLayout->addWidget(m_cancel, 1, 1);
    m_row->hide();
    layout->addWidget(m_row);
    m_notice = new MessageBanner(this);
    m_notice->setObjectName(QStringLiteral("imageUploadNotice"));
    layout->addWidget(m_notice);

    connect(m_cancel, &QToolButton::clicked, this, &ImageUploads::cancel);
    connect(m_queue, &UploadQueue::fileStarted, this,
            [this](const UploadQueue::Item &item, int number, int total) {
                m_current = QFileInfo(item.path).fileName();
                m_label->setText(tr("Uploading %1 of %2: %3 (%4)")
                                     .arg(number)
                                     .arg(total)
                                     .arg(m_current, DisplayFormat::bytes(item.size)));
            });
    connect(m_queue, &UploadQueue::progressed, this,
            [this](double fraction) { m_bar->setValue(int(fraction * 1000)); });
    connect(m_queue, &UploadQueue::finished, this, [this](const UploadQueue::Outcome &o) {
        m_row->hide();
        QStringList errors;
        for (const UploadQueue::Failure &f : o.failures)
            errors.append(tr("%1: %2").arg(f.item.key, f.message));
        if (o.cancelled)
            errors.append(tr("Uploads cancelled."));
        QStringList parts;
        if (o.uploaded == 1 && o.total == 1)
            parts.append(tr("Uploaded %1 to %2.").arg(m_current, m_bucket));
        else if (o.total > 0)
            parts.append(
                tr("Uploaded %1 of %2 images to %3.").arg(o.uploaded).arg(o.total).arg(m_bucket));
        if (!m_skipped.isEmpty())
            parts.append(
                tr("Not images, so not uploaded: %1.").arg(m_skipped.join(QStringLiteral(", "))));
        parts.append(errors.join(QStringLiteral("; ")));
        parts.removeAll(QString());
        const MessageBanner::Tone tone = !errors.isEmpty()      ? MessageBanner::Tone::Error
                                         : !m_skipped.isEmpty() ? MessageBanner::Tone::Warning
                                                                : MessageBanner::Tone::Info;
        if (!parts.isEmpty())
            m_notice->showMessage(tone, parts.join(QLatin1Char(' ')));
        m_skipped.clear();
        Q_EMIT finished(o.uploaded, int(o.failures.size()), o.lastKey);
    });
}

void ImageUploads::setBucket(const QString &binding)
{
    m_bucket = binding;
    m_queue->setBucket(binding);
}

bool ImageUploads::isUploading() const
{
    return m_queue->isRunning();
}

void ImageUploads::upload(const QStringList &paths)
{
    if (!isUploading())
        m_notice->clear();
    const QMimeDatabase mimes;
    QList<UploadQueue::Item> images;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (!mimes.mimeTypeForFile(path).name().startsWith(QLatin1String("image/"))) {
            m_skipped.append(info.fileName());
            continue;
        }
        images.append({path, info.fileName(), info.size()});
    }
    if (images.isEmpty()) {
        if (!isUploading()) {
            // Nothing to send: say why at once.
            if (!m_skipped.isEmpty())
                m_notice->showMessage(MessageBanner::Tone::Warning,
                                      tr("Not images, so not uploaded: %1.")
                                          .arg(m_skipped.join(QStringLiteral(", "))));
            m_skipped.clear();
            Q_EMIT finished(0, 0, QString());
        }
        return;
    }
    m_bar->setValue(0);
    m_row->show();
    m_queue->add(images);
}

void ImageUploads::cancel()
{
    m_queue->cancel();
}

} // namespace edgedesk
