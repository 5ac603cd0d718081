#include "runnerserver.h"

#include "commandfilter.h"
#include "commandrequest.h"
#include "programruntime.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>

namespace edgedesk {

namespace {

QByteArray unixSeconds(qint64 ms)
{
    return QByteArray::number(double(ms) / 1000.0, 'f', 3);
}

// The demo's /run answer, fields in the demo's order.
QByteArray runBody(bool success, const QString &command, const QByteArray &output,
                   const QByteArray &error, int exitCode, qint64 finishedMs, bool truncated)
{
    QByteArray body =
        R"({"success":)" + QByteArray(success ? "true" : "false") + R"(,"command":)" +
        ProgramRuntime::jsonString(QStringView(command)) + R"(,"output":)" +
        ProgramRuntime::jsonString(QStringView(QString::fromUtf8(output))) + R"(,"error":)" +
        ProgramRuntime::jsonString(QStringView(QString::fromUtf8(error))) + R"(,"exit_code":)" +
        QByteArray::number(exitCode) + R"(,"timestamp":)" + unixSeconds(finishedMs);
    if (truncated)
        body += R"(,"truncated":true)";
    body += '}';
    return body;
}

} // namespace

RunnerServer::RunnerServer(RunnerSettings settings, SandboxHost &host, QObject *parent)
    : ProgramServer(parent), m_settings(std::move(settings)), m_host(host)
{
    for (int i = 0; i < kMaxRunning; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("command-slot-%1").arg(i));
        auto *context = new QObject;
        context->moveToThread(thread);
        thread->start();
        m_threads[size_t(i)] = thread;
        m_threadContexts[size_t(i)] = context;
    }
}

RunnerServer::~RunnerServer()
{
    shutdown();
}

void RunnerServer::shutdown()
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    // Each job is stopped in its own thread; waiting there lets it report (its answer is
    // queued to this thread) before the event loop stops.
    for (int i = 0; i < kMaxRunning; ++i) {
        CommandJob *job = m_slots[size_t(i)];
        if (!job)
            continue;
        QMetaObject::invokeMethod(
            m_threadContexts[size_t(i)],
            [job] {
                job->abort(QStringLiteral("command-runner is shutting down"));
                job->waitForExit(5000);
            },
            Qt::BlockingQueuedConnection);
    }
    // Deliver those reports now: the answers are written while the loop still runs.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    for (int i = 0; i < kMaxRunning; ++i) {
        CommandJob *&job = m_slots[size_t(i)];
        if (job) {
            QMetaObject::invokeMethod(
                m_threadContexts[size_t(i)], [job] { delete job; }, Qt::BlockingQueuedConnection);
            job = nullptr;
        }
    }
    for (int i = 0; i < kMaxRunning; ++i) {
        QThread *thread = m_threads[size_t(i)];
        QMetaObject::invokeMethod(
            m_threadContexts[size_t(i)], [thread] { thread->quit(); }, Qt::QueuedConnection);
        thread->wait();
        delete m_threadContexts[size_t(i)];
        delete thread;
        m_threads[size_t(i)] = nullptr;
        m_threadContexts[size_t(i)] = nullptr;
    }
}

QString RunnerServer::unavailableReason() const
{
    if (m_settings.mode == Sandbox::Mode::Unsandboxed || m_host.probe().usable)
        return {};
    return m_host.probe().error;
}

QString RunnerServer::containmentDescription() const
{
    const SandboxSpec spec = specForSlot(0);
    return m_host.probe().describeLimits(spec.limits, spec.hostUid);
}

QJsonObject RunnerServer::limits() const
{
    const SandboxSpec spec = specForSlot(0);
    return m_host.probe().limitsJson(spec.limits, spec.hostUid);
}

SandboxSpec RunnerServer::specForSlot(int slot) const
{
    SandboxSpec spec;
    spec.network = m_settings.network;
    spec.environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    spec.environment.insert(QStringLiteral("TERM"), QStringLiteral("dumb"));
    if (m_settings.mode == Sandbox::Mode::Unsandboxed)
        spec.limits.tmpBytes = 0; // no private /tmp to size
    // A host uid per slot: with the rlimit fallback RLIMIT_NPROC then caps each command alone.
    const bool canSwitch =
        m_settings.mode == Sandbox::Mode::Unsandboxed || m_host.probe().hostUidWorks;
    if (m_settings.hostUidBase && canSwitch) {
        spec.hostUid = *m_settings.hostUidBase + quint32(slot);
        spec.hostGid = spec.hostUid;
    }
    return spec;
}

bool RunnerServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const Exchange exchange = exchangeOf(request);
    QHttpServerResponder responder = makeResponder(request, socket);
    const bool get = exchange.method == QHttpServerRequest::Method::Get;

    if (exchange.path == QLatin1String("/")) {
        if (get)
            respondJson(responder, exchange, 200, healthBody());
        else
            respondMethodNotAllowed(responder, exchange, "GET");
    } else if (exchange.path == QLatin1String("/run")) {
        if (get)
            respondJson(responder, exchange, 200, healthBody());
        else if (exchange.method == QHttpServerRequest::Method::Post)
            runCommand(request, std::move(responder), exchange);
        else
            respondMethodNotAllowed(responder, exchange, "GET, POST");
    } else {
        respondNotFound(responder, exchange);
    }
    return true;
}

QByteArray RunnerServer::healthBody() const
{
    const QString reason = unavailableReason();
    QString sandbox;
    if (m_settings.mode == Sandbox::Mode::Unsandboxed)
        sandbox = QStringLiteral("none (UNSANDBOXED)");
    else if (!m_host.probe().version.isEmpty())
        sandbox = m_host.probe().version;
    else
        sandbox = QStringLiteral("unavailable");
    QByteArray body = R"({"status":)" +
                      QByteArray(reason.isEmpty() ? R"("healthy")" : R"("unavailable")") +
                      R"(,"service":"linux-command-container","sandbox":)" +
                      ProgramRuntime::jsonString(QStringView(sandbox)) + R"(,"containment":)" +
                      ProgramRuntime::jsonString(QStringView(containmentDescription())) +
                      R"(,"network":)" + QByteArray(m_settings.network ? "true" : "false") +
                      R"(,"limits":)" + QJsonDocument(limits()).toJson(QJsonDocument::Compact) +
                      R"(,"timestamp":)" + QByteArray::number(QDateTime::currentSecsSinceEpoch());
    if (!reason.isEmpty())
        body += R"(,"reason":)" + ProgramRuntime::jsonString(QStringView(reason));
    body += '}';
    return body;
}

void RunnerServer::runCommand(const QHttpServerRequest &request, QHttpServerResponder &&responder,
                              const Exchange &exchange)
{
    const QByteArray body = request.body();
    if (body.size() > kMaxBodyBytes) {
        respondError(responder, exchange, 413, QStringLiteral("payload_too_large"),
                     QStringLiteral("the body must be at most %1 bytes").arg(kMaxBodyBytes));
        return;
    }
    const Result<CommandRequest> parsed = CommandRequest::parse(body);
    if (!parsed.ok()) {
        respondError(responder, exchange, 400, parsed.error().code, parsed.error().message);
        return;
    }
    const CommandRequest &command = parsed.value();

    if (const std::optional<QString> reason = CommandFilter::blockedReason(command.command)) {
        respondJson(responder, exchange, 403,
                runBody(false, command.command, {}, "Command blocked: " + reason->toUtf8(), -1,
                        QDateTime::currentMSecsSinceEpoch(), false));
        return;
    }
    if (const QString reason = unavailableReason(); !reason.isEmpty()) {
        respondError(responder, exchange, 503, QStringLiteral("service_unavailable"),
                     QStringLiteral("commands cannot run safely here: %1").arg(reason));
        return;
    }
    int slot = -1;
    for (int i = 0; i < kMaxRunning && slot < 0; ++i) {
        if (!m_slots[size_t(i)])
            slot = i;
    }
    if (slot < 0) {
        respondError(responder, exchange, 429, QStringLiteral("too_many_requests"),
                     QStringLiteral("%1 commands are already running in this instance; try again "
                                    "when one has finished")
                         .arg(kMaxRunning));
        return;
    }

    auto job = new CommandJob(command.command, command.timeoutSeconds, specForSlot(slot),
                              m_host, m_settings.mode);
    job->moveToThread(m_threads[size_t(slot)]);
    m_slots[size_t(slot)] = job;
    auto shared = std::make_shared<QHttpServerResponder>(std::move(responder));
    QPointer<QTcpSocket> guard(shared->socket());
    // Nobody is left to read the answer: stop spending a slot on it.
    if (guard)
        connect(guard.data(), &QTcpSocket::disconnected, job,
                [job] { job->abort(QStringLiteral("the client disconnected")); });
    // Queued: the job reports from its slot thread; its answer is written here.
    connect(
        job, &CommandJob::finished, this,
        [this, job, slot, shared, guard, exchange](const CommandResult &result) {
            m_slots[size_t(slot)] = nullptr;
            job->deleteLater();
            if (!guard) {
                logClientGone(exchange);
                return;
            }
            if (!result.startError.isEmpty()) {
                respondError(
                    *shared, exchange, 500, QStringLiteral("internal_error"),
                    QStringLiteral("the sandbox could not be started: %1").arg(result.startError));
                return;
            }
            const bool success = result.exitCode == 0 && !result.timedOut;
            // Written at once: during shutdown the event loop that would send it is stopping.
            respondJson(*shared, exchange, 200,
                        runBody(success, result.command, result.output, result.error,
                                result.exitCode, result.finishedMs, result.truncated));
        },
        Qt::QueuedConnection);
    QMetaObject::invokeMethod(job, &CommandJob::start, Qt::QueuedConnection);
}

} // namespace edgedesk
