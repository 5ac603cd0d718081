#include "runnerserver.h"

#include "commandfilter.h"
#include "commandrequest.h"
#include "programruntime.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QTcpSocket>

#include <algorithm>

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
        QMetaObject::invokeMethod(context, [this, i] { makeSpare(i); }, Qt::QueuedConnection);
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
    for (Pending &pending : m_waiting)
        respondError(*pending.responder, pending.exchange, 503,
                     QStringLiteral("service_unavailable"),
                     QStringLiteral("command-runner is shutting down"));
    m_waiting.clear();
    // Each job is stopped in its own thread; waiting there lets it report (its answer is
    // queued to this thread) before the event loop stops.
    for (int i = 0; i < kMaxRunning; ++i) {
        QMetaObject::invokeMethod(
            m_threadContexts[size_t(i)],
            [this, i] {
                delete std::exchange(m_spares[size_t(i)], nullptr);
                if (CommandJob *job = m_running[size_t(i)]) {
                    job->abort(QStringLiteral("command-runner is shutting down"));
                    job->waitForExit(5000);
                }
            },
            Qt::BlockingQueuedConnection);
    }
    // Deliver those reports now: the answers are written while the loop still runs.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
    for (int i = 0; i < kMaxRunning; ++i) {
        QMetaObject::invokeMethod(
            m_threadContexts[size_t(i)],
            [this, i] {
                delete std::exchange(m_running[size_t(i)], nullptr);
                delete std::exchange(m_spares[size_t(i)], nullptr);
            },
            Qt::BlockingQueuedConnection);
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

void RunnerServer::makeSpare(int slot)
{
    if (m_shutDown || m_spares[size_t(slot)] || !unavailableReason().isEmpty())
        return;
    auto *job = new CommandJob(specForSlot(slot), m_host, m_settings.mode);
    job->prepare();
    m_spares[size_t(slot)] = job;
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
                      R"(,"commands":{"slots":)" + QByteArray::number(kMaxRunning) +
                      R"(,"running":)" + QByteArray::number(std::count(m_busy.begin(), m_busy.end(), true)) +
                      R"(,"waiting":)" + QByteArray::number(qsizetype(m_waiting.size())) +
                      R"(,"max_waiting":)" + QByteArray::number(kMaxWaiting) + '}' +
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
    Pending pending{command.command, command.timeoutSeconds,
                    std::make_shared<QHttpServerResponder>(std::move(responder)), nullptr,
                    exchange};
    pending.socket = pending.responder->socket();
    for (int i = 0; i < kMaxRunning; ++i) {
        if (!m_busy[size_t(i)]) {
            startInSlot(i, std::move(pending));
            return;
        }
    }
    if (int(m_waiting.size()) >= kMaxWaiting) {
        respondError(*pending.responder, exchange, 429, QStringLiteral("too_many_requests"),
                     QStringLiteral("%1 commands are already running in this instance and %2 "
                                    "wait; try again when one has finished")
                         .arg(kMaxRunning)
                         .arg(m_waiting.size()));
        return;
    }
    m_waiting.push_back(std::move(pending));
}

void RunnerServer::startInSlot(int slot, Pending pending)
{
    m_busy[size_t(slot)] = true;
    const quint64 number = ++m_started[size_t(slot)];
    QObject *context = m_threadContexts[size_t(slot)];
    // Nobody is left to read the answer: stop spending a slot on it. The watcher lives as long
    // as this command, so a later command of the same connection is not aborted by it.
    auto *watcher = new QObject(this);
    if (pending.socket)
        connect(pending.socket.data(), &QTcpSocket::disconnected, watcher,
                [this, context, slot, number] {
                    QMetaObject::invokeMethod(context, [this, slot, number] {
                        CommandJob *job = m_running[size_t(slot)];
                        if (job && m_runningNumber[size_t(slot)] == number)
                            job->abort(QStringLiteral("the client disconnected"));
                    });
                });
    const QString command = pending.command;
    const double timeoutSeconds = pending.timeoutSeconds;
    auto shared = std::make_shared<Pending>(std::move(pending));
    QMetaObject::invokeMethod(
        context,
        [this, slot, number, command, timeoutSeconds, shared, watcher] {
            CommandJob *job = std::exchange(m_spares[size_t(slot)], nullptr);
            if (!job) {
                job = new CommandJob(specForSlot(slot), m_host, m_settings.mode);
                job->prepare();
            }
            m_running[size_t(slot)] = job;
            m_runningNumber[size_t(slot)] = number;
            // Direct (same thread): the slot forgets the job before the next command comes.
            connect(job, &CommandJob::finished, job, [this, slot, job] {
                if (m_running[size_t(slot)] == job)
                    m_running[size_t(slot)] = nullptr;
                job->deleteLater();
            });
            // Queued: the job reports from its slot thread; its answer is written here.
            connect(
                job, &CommandJob::finished, this,
                [this, slot, shared, watcher](const CommandResult &result) {
                    delete watcher;
                    slotFinished(slot, *shared, result);
                },
                Qt::QueuedConnection);
            job->run(command, timeoutSeconds);
            // The next command's sandbox is made while this one runs.
            makeSpare(slot);
        },
        Qt::QueuedConnection);
}

void RunnerServer::slotFinished(int slot, const Pending &pending, const CommandResult &result)
{
    m_busy[size_t(slot)] = false;
    while (!m_waiting.empty() && !m_shutDown) {
        Pending next = std::move(m_waiting.front());
        m_waiting.pop_front();
        if (!next.socket) {
            logClientGone(next.exchange);
            continue;
        }
        startInSlot(slot, std::move(next));
        break;
    }
    QHttpServerResponder &responder = *pending.responder;
    if (!pending.socket) {
        logClientGone(pending.exchange);
        return;
    }
    if (!result.startError.isEmpty()) {
        respondError(responder, pending.exchange, 500, QStringLiteral("internal_error"),
                     QStringLiteral("the sandbox could not be started: %1").arg(result.startError));
        return;
    }
    const bool success = result.exitCode == 0 && !result.timedOut;
    // Written at once: during shutdown the event loop that would send it is stopping.
    respondJson(responder, pending.exchange, 200,
                runBody(success, result.command, result.output, result.error, result.exitCode,
                        result.finishedMs, result.truncated));
}

} // namespace edgedesk
