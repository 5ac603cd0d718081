#include "containers/images/classimage.h"

#include "containers/images/dockerfilebuilder.h"
#include "containers/images/imagelog.h"
#include "containers/images/imagestore.h"
#include "util/workerpool.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

namespace edgedesk {

namespace {

QFileInfo sourceInfo(const ImageReference &reference)
{
    return ImageStore::sourceInfo(reference.path());
}

QString stateName(ClassImage::State state)
{
    switch (state) {
    case ClassImage::State::Idle:
        return QStringLiteral("not loaded");
    case ClassImage::State::Preparing:
        return QStringLiteral("preparing");
    case ClassImage::State::Ready:
        return QStringLiteral("ready");
    case ClassImage::State::Failed:
        return QStringLiteral("failed");
    }
    return QString();
}

} // namespace

ClassImage::ClassImage(ImageReference reference, QString className,
                       std::shared_ptr<ImageStore> store, WorkerPool *pool, Log log,
                       QObject *parent)
    : QObject(parent), m_reference(std::move(reference)), m_className(std::move(className)),
      m_store(std::move(store)), m_pool(pool), m_log(std::move(log))
{}

ClassImage::~ClassImage()
{
    std::vector<Ready> waiters;
    waiters.swap(m_waiters);
    for (Ready &ready : waiters)
        ready(makeError(QStringLiteral("service_unavailable"),
                        QStringLiteral("EdgeDesk is stopping")));
}

bool ClassImage::sourceChanged() const
{
    if (m_reference.kind() == ImageReference::Kind::Dockerfile)
        return false; // built once per run; the engine's cache makes a rebuild cheap, not free
    const QFileInfo info = sourceInfo(m_reference);
    return info.lastModified() != m_sourceTime || info.size() != m_sourceSize;
}

void ClassImage::whenReady(const QString &logSource, Ready ready)
{
    if (m_state == State::Ready && !sourceChanged()) {
        ready(Ok{});
        return;
    }
    m_waiters.push_back(std::move(ready));
    if (m_state != State::Preparing)
        prepare(logSource);
}

void ClassImage::prepare(const QString &logSource)
{
    m_state = State::Preparing;
    m_logSource = logSource;
    Q_EMIT stateChanged();
    m_pool->run(
        this,
        [reference = m_reference, className = m_className, store = m_store, log = m_log,
         logSource] { return work(reference, className, store, log, logSource); },
        [this](Prepared prepared) { finish(std::move(prepared)); });
}

ClassImage::Prepared ClassImage::work(const ImageReference &reference, const QString &className,
                                      const std::shared_ptr<ImageStore> &store, const Log &log,
                                      const QString &source)
{
    Prepared prepared{makeError(QString(), QString()), QString(), QDateTime(), -1};
    QString archive = reference.path();
    const bool build = reference.kind() == ImageReference::Kind::Dockerfile;
    if (build) {
        if (!QFileInfo(archive).isFile()) {
            prepared.image = makeError(
                QStringLiteral("service_unavailable"),
                QStringLiteral("%1: the Dockerfile %2 does not exist").arg(className, archive));
            return prepared;
        }
        QStringList why;
        const auto engine = DockerfileBuilder::findEngine(&why);
        if (!engine) {
            prepared.image =
                DockerfileBuilder::unavailable(archive, reference.baseDir(), className, why);
            return prepared;
        }
        const QString builds = store->root() + QStringLiteral("/builds");
        QDir().mkpath(builds);
        const QString out = builds + QLatin1Char('/') + className + QStringLiteral(".tar");
        QFile::remove(out);
        log(source, QStringLiteral("info"),
            QStringLiteral("building %1 with %2").arg(QFileInfo(archive).fileName(), engine->name));
        auto built = DockerfileBuilder::build(
            *engine, archive, reference.baseDir(), DockerfileBuilder::tagFor(className), out,
            [&log, &source](const QByteArray &line) {
                log(source, QStringLiteral("info"), QString::fromUtf8(line));
            });
        if (!built) {
            prepared.image = built.error();
            return prepared;
        }
        archive = out;
    }
    const QFileInfo info = sourceInfo(reference);
    prepared.sourceTime = info.lastModified();
    prepared.sourceSize = info.size();
    std::optional<ImageRecord> loaded = build ? std::nullopt : store->findLoaded(archive);
    prepared.image = loaded ? Result<ImageRecord>(*loaded) : store->load(archive);
    if (build)
        QFile::remove(archive);
    if (prepared.image)
        prepared.rootfs = store->rootfs(*prepared.image);
    return prepared;
}

void ClassImage::finish(Prepared prepared)
{
    Status status = Ok{};
    if (prepared.image) {
        m_record = *prepared.image;
        m_rootfs = prepared.rootfs;
        m_sourceTime = prepared.sourceTime;
        m_sourceSize = prepared.sourceSize;
        m_error.clear();
        m_state = State::Ready;
        m_log(m_logSource, QStringLiteral("info"),
              QStringLiteral("image %1 ready (%2 layers, %3 bytes)")
                  .arg(m_record->id)
                  .arg(m_record->layers.size())
                  .arg(m_record->size()));
    } else {
        m_error = prepared.image.error().message;
        m_state = State::Failed;
        // A damaged or hostile image is the class's problem, not the request's: 503 either way.
        status = makeError(QStringLiteral("service_unavailable"), m_error);
        m_log(m_logSource, QStringLiteral("error"), m_error);
    }
    Q_EMIT stateChanged();
    std::vector<Ready> waiters;
    waiters.swap(m_waiters);
    for (Ready &ready : waiters)
        ready(status);
}

QJsonObject ClassImage::toJson() const
{
    QJsonObject o{{QStringLiteral("reference"), m_reference.image()},
                  {QStringLiteral("kind"), m_reference.kindName()},
                  {QStringLiteral("path"), m_reference.path()},
                  {QStringLiteral("state"), stateName(m_state)}};
    if (m_record) {
        QJsonArray ports;
        for (int port : m_record->exposedPorts())
            ports.append(port);
        o.insert(QStringLiteral("digest"), m_record->id);
        o.insert(QStringLiteral("size"), double(m_record->size()));
        o.insert(QStringLiteral("created"), m_record->config.value(QStringLiteral("created")));
        o.insert(QStringLiteral("exposed_ports"), ports);
        o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(m_record->tags));
    }
    if (!m_error.isEmpty())
        o.insert(QStringLiteral("error"), m_error);
    return o;
}

} // namespace edgedesk
