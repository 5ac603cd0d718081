#include "bucket/uploadqueue.h"

#include "apiclient.h"
#include "bucket/bucketpaths.h"

#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QNetworkReply>

namespace edgedesk {

UploadQueue::UploadQueue(ApiClient *api, QObject *parent) : QObject(parent), m_api(api) {}

UploadQueue::~UploadQueue()
{
    // The reply belongs to the client's network manager, which outlives the queue.
    ApiClient::abandon(m_reply, this);
}

void UploadQueue::add(const QList<Item> &items)
{
    if (items.isEmpty())
        return;
    const bool idle = !isRunning();
    if (idle) {
        m_outcome = {};
        m_batchBytes = 0;
        m_doneBytes = 0;
    }
    for (const Item &item : items) {
        m_queue.append(item);
        m_batchBytes += item.size;
        ++m_outcome.total;
    }
    if (idle)
        startNext();
}

void UploadQueue::cancel()
{
    if (!isRunning())
        return;
    m_queue.clear();
    ApiClient::abandon(m_reply, this);
    m_reply.clear();
    m_outcome.cancelled = true;
    finish();
}

void UploadQueue::startNext()
{
    if (m_queue.isEmpty()) {
        finish();
        return;
    }
    const Item item = m_queue.takeFirst();
    auto *file = new QFile(item.path);
    if (!file->open(QIODevice::ReadOnly)) {
        m_outcome.failures.append({item, file->errorString()});
        m_doneBytes += item.size;
        delete file;
        startNext();
        return;
    }
    const int number = m_outcome.uploaded + int(m_outcome.failures.size()) + 1;
    Q_EMIT fileStarted(item, number, m_outcome.total);
    Q_EMIT progressed(m_batchBytes > 0 ? double(m_doneBytes) / double(m_batchBytes) : 0.0);
    const QByteArray type = QMimeDatabase().mimeTypeForFile(item.path).name().toLatin1();
    QNetworkRequest request =
        m_api->makeRequest(bucketObjectPath(m_bucket, item.key), {{"Content-Type", type}});
    request.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    QNetworkReply *reply = m_api->network()->put(request, file);
    file->setParent(reply);
    m_reply = reply;
    m_clock.start();
    connect(reply, &QNetworkReply::uploadProgress, this, [this](qint64 sent, qint64) {
        if (m_batchBytes > 0)
            Q_EMIT progressed(qMin(1.0, double(m_doneBytes + sent) / double(m_batchBytes)));
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, item] {
        reply->deleteLater();
        m_reply.clear();
        const ApiResponse r = ApiClient::responseFrom(reply, m_clock.elapsed());
        if (r.ok()) {
            ++m_outcome.uploaded;
            m_outcome.uploadedBytes += item.size;
            m_outcome.lastKey = item.key;
        } else {
            m_outcome.failures.append({item, r.describeError()});
        }
        m_doneBytes += item.size;
        startNext();
    });
}

void UploadQueue::finish()
{
    const Outcome outcome = m_outcome;
    m_outcome = {};
    Q_EMIT finished(outcome);
}

} // namespace edgedesk
