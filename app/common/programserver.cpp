#include "programserver.h"

#include "programruntime.h"

#include <QTcpSocket>

#include <chrono>

namespace edgedesk {

namespace {

const QByteArray kJson = QByteArrayLiteral("application/json");

} // namespace

ProgramServer::ProgramServer(QObject *parent) : QAbstractHttpServer(parent) {}

ProgramServer::~ProgramServer() = default;

ProgramServer::Exchange ProgramServer::exchangeOf(const QHttpServerRequest &request)
{
    return Exchange{request.method(), request.url().path(), monotonicNs()};
}

qint64 ProgramServer::monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double ProgramServer::elapsedMs(qint64 startNs)
{
    return double(monotonicNs() - startNs) / 1e6;
}

void ProgramServer::respond(QHttpServerResponder &responder, const Exchange &exchange, int status,
                            const QByteArray &mimeType, const QByteArray &body)
{
    responder.write(body, mimeType, static_cast<QHttpServerResponder::StatusCode>(status));
    sendNow(responder);
    ProgramRuntime::logRequest(exchange.method, exchange.path, status, elapsedMs(exchange.startNs));
}

void ProgramServer::respondJson(QHttpServerResponder &responder, const Exchange &exchange,
                                int status, const QByteArray &body)
{
    respond(responder, exchange, status, kJson, body);
}

void ProgramServer::respondError(QHttpServerResponder &responder, const Exchange &exchange,
                                 int status, const QString &code, const QString &message)
{
    respondJson(responder, exchange, status, ProgramRuntime::errorBody(code, message));
}

void ProgramServer::respondNotFound(QHttpServerResponder &responder, const Exchange &exchange)
{
    respondError(responder, exchange, 404, QStringLiteral("not_found"),
                 QStringLiteral("no route for %1").arg(exchange.path));
}

void ProgramServer::respondMethodNotAllowed(QHttpServerResponder &responder,
                                            const Exchange &exchange, const QByteArray &allow)
{
    const QByteArray body = ProgramRuntime::errorBody(
        QStringLiteral("method_not_allowed"),
        QStringLiteral("%1 is not allowed on %2; use %3")
            .arg(QString::fromLatin1(ProgramRuntime::methodName(exchange.method)), exchange.path,
                 QString::fromLatin1(allow)));
    responder.write(body, {{"Content-Type", kJson}, {"Allow", allow}},
                    QHttpServerResponder::StatusCode::MethodNotAllowed);
    sendNow(responder);
    ProgramRuntime::logRequest(exchange.method, exchange.path, 405, elapsedMs(exchange.startNs));
}

void ProgramServer::logClientGone(const Exchange &exchange)
{
    ProgramRuntime::logRequest(exchange.method, exchange.path, 499, elapsedMs(exchange.startNs));
}

void ProgramServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QHttpServerResponder responder = makeResponder(request, socket);
    respondNotFound(responder, exchangeOf(request));
}

void ProgramServer::sendNow(QHttpServerResponder &responder)
{
    // QTcpSocket buffers the answer and writes it once the event loop sees the socket writable:
    // a second poll per pass, and the answer leaves later (or, during shutdown, never). An
    // answer that fits the socket's send buffer goes out now; the rest still waits for the
    // notifier.
    if (QTcpSocket *socket = responder.socket())
        socket->flush();
}

} // namespace edgedesk
