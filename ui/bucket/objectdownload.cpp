#include "bucket/objectdownload.h"

#include "apiclient.h"

#include <QDir>
#include <QNetworkReply>
#include <QSaveFile>

namespace edgedesk {

ObjectDownload::ObjectDownload(ApiClient *api, QObject *parent) : QObject(parent), m_api(api) {}

bool ObjectDownload::start(const QString &objectPath, const QString &filePath, QString *error)
{
    auto *file = new QSaveFile(filePath);
    if (!file->open(QIODevice::WriteOnly)) {
        *error =
            tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(filePath), file->errorString());
        delete file;
        return false;
    }
    m_clock.start();
    QNetworkReply *reply = m_api->send("GET", objectPath);
    file->setParent(reply);
    m_reply = reply;
    auto isOk = [reply] {
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
    };
    connect(reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (total > 0)
            Q_EMIT progressed(double(received) / double(total));
    });
    // Written as it arrives; an error answer stays in the reply for its message.
    connect(reply, &QNetworkReply::readyRead, this, [reply, file, isOk] {
        if (isOk())
            file->write(reply->readAll());
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, file, isOk, filePath] {
        reply->deleteLater();
        m_reply.clear();
        if (reply->error() == QNetworkReply::OperationCanceledError) {
            file->cancelWriting();
            Q_EMIT finished(Ending::Cancelled, QString());
            return;
        }
        if (isOk() && reply->error() == QNetworkReply::NoError) {
            file->write(reply->readAll());
            if (file->commit()) {
                Q_EMIT finished(Ending::Saved, QString());
                return;
            }
            Q_EMIT finished(Ending::Failed,
                            tr("Cannot write %1: %2")
                                .arg(QDir::toNativeSeparators(filePath), file->errorString()));
            return;
        }
        file->cancelWriting();
        const ApiResponse r = ApiClient::responseFrom(reply, m_clock.elapsed());
        Q_EMIT finished(Ending::Failed, tr("Download failed: %1").arg(r.describeError()));
    });
    return true;
}

void ObjectDownload::cancel()
{
    if (m_reply)
        m_reply->abort();
}

} // namespace edgedesk
