#pragma once

#include "containers/images/imagerecord.h"
#include "containers/images/imagereference.h"
#include "util/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace edgedesk {

class ImageStore;
class WorkerPool;

// The image of one container class, made ready on first use and shared by its instances: an
// archive or layout folder is loaded into the ImageStore (verified, unpacked once); a Dockerfile
// is first built with the machine's container engine, its output going to `log`. Runs the slow
// part on the WorkerPool and answers in the server thread. An archive that changes on disk is
// loaded again the next time an instance starts.
class ClassImage final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClassImage)

public:
    enum class State
    {
        Idle,
        Preparing,
        Ready,
        Failed,
    };
    // A line for an instance's log: source "<BINDING>/<instance>", level "info"/"error".
    using Log =
        std::function<void(const QString &source, const QString &level, const QString &line)>;

    // log: called from any thread.
    ClassImage(ImageReference reference, QString className, std::shared_ptr<ImageStore> store,
               WorkerPool *pool, Log log, QObject *parent = nullptr);
    ~ClassImage() override;

    const ImageReference &reference() const { return m_reference; }
    State state() const { return m_state; }
    // The loaded image (Ready), and its read-only root.
    const std::optional<ImageRecord> &record() const { return m_record; }
    QString rootfs() const { return m_rootfs; }

    using Ready = std::function<void(const Status &status)>;
    // ready(Ok) once the image is loaded (at once if it is and its source did not change);
    // the error says what stands in the way (service_unavailable for a missing engine).
    // A build's output goes to logSource, the instance that asked first.
    void whenReady(const QString &logSource, Ready ready);

    // {"reference", "kind", "state", "digest", "size", "created", "exposed_ports", "error"}.
    QJsonObject toJson() const;

Q_SIGNALS:
    void stateChanged();

private:
    struct Prepared
    {
        Result<ImageRecord> image;
        QString rootfs;
        QDateTime sourceTime;
        qint64 sourceSize = -1;
    };
    void prepare(const QString &logSource);
    void finish(Prepared prepared);
    bool sourceChanged() const;
    // On the pool, with copies of what it needs: the class may be gone before it ends.
    static Prepared work(const ImageReference &reference, const QString &className,
                         const std::shared_ptr<ImageStore> &store, const Log &log,
                         const QString &source);

    ImageReference m_reference;
    QString m_className;
    std::shared_ptr<ImageStore> m_store;
    WorkerPool *m_pool;
    Log m_log;

    State m_state = State::Idle;
    std::optional<ImageRecord> m_record;
    QString m_rootfs;
    QString m_error;
    QDateTime m_sourceTime;
    qint64 m_sourceSize = -1;
    std::vector<Ready> m_waiters;
    QString m_logSource; // of the preparation under way
};

} // namespace edgedesk
