#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QNetworkReply;

namespace edgedesk {

class ApiClient;

// One object saved to a local file as it arrives. The file appears complete or not at all: an
// error answer, a failed write or a cancel leave nothing behind.
class ObjectDownload final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectDownload)

public:
    enum class Ending
    {
        Saved,
        Cancelled,
        Failed
    };
    Q_ENUM(Ending)

    ObjectDownload(ApiClient *api, QObject *parent);

    // Starts the download of `objectPath` (a control API path) into `filePath`. False, with the
    // reason in `error`, when the file cannot be written.
    bool start(const QString &objectPath, const QString &filePath, QString *error);
    void cancel();
    bool isRunning() const { return !m_reply.isNull(); }

Q_SIGNALS:
    void progressed(double fraction);
    // `error` says why, for Failed.
    void finished(edgedesk::ObjectDownload::Ending ending, const QString &error);

private:
    ApiClient *m_api;
    QPointer<QNetworkReply> m_reply;
    QElapsedTimer m_clock;
};

} // namespace edgedesk
