#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

class QNetworkReply;

namespace edgedesk {

class ApiClient;

// Files uploaded into a bucket one after another, each streamed from disk (a large file never
// sits whole in memory or blocks the window). Files added while a batch runs join it. Cancel
// aborts the file in flight and drops the rest; what was stored stays stored.
class UploadQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UploadQueue)

public:
    struct Item
    {
        QString path; // the local file
        QString key;  // the object key it is stored under
        qint64 size = 0;
    };
    struct Failure
    {
        Item item;
        QString message;
    };
    // How a batch ended.
    struct Outcome
    {
        int uploaded = 0;
        int total = 0;
        qint64 uploadedBytes = 0;
        QList<Failure> failures;
        QString lastKey; // the last object stored
        bool cancelled = false;
    };

    UploadQueue(ApiClient *api, QObject *parent);
    ~UploadQueue() override;

    void setBucket(const QString &binding) { m_bucket = binding; }
    // Starts at once when idle.
    void add(const QList<Item> &items);
    void cancel();
    bool isRunning() const { return !m_reply.isNull(); }

Q_SIGNALS:
    // `number` counts from 1 within the batch.
    void fileStarted(const edgedesk::UploadQueue::Item &item, int number, int total);
    // The batch's bytes sent so far, 0 to 1.
    void progressed(double fraction);
    void finished(const edgedesk::UploadQueue::Outcome &outcome);

private:
    void startNext();
    void finish();

    ApiClient *m_api;
    QString m_bucket;
    QList<Item> m_queue;
    QPointer<QNetworkReply> m_reply;
    QElapsedTimer m_clock;
    Outcome m_outcome;
    qint64 m_batchBytes = 0;
    qint64 m_doneBytes = 0; // of files finished, stored or not
};

} // namespace edgedesk
