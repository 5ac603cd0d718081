#pragma once

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QString>

namespace edgedesk {

// The HTTP side the container programs share: answers written at once, JSON errors in the shape
// of every EdgeDesk endpoint, a 405 with Allow, a 404 for whatever handleRequest() leaves, and
// one JSON log line per answer (ProgramRuntime::logRequest).
class ProgramServer : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProgramServer)

public:
    explicit ProgramServer(QObject *parent = nullptr);
    ~ProgramServer() override;

protected:
    // One request being answered: what its log line needs.
    struct Exchange
    {
        QHttpServerRequest::Method method;
        QString path;
        qint64 startNs;
    };
    static Exchange exchangeOf(const QHttpServerRequest &request);
    static qint64 monotonicNs();
    static double elapsedMs(qint64 startNs);

    void respond(QHttpServerResponder &responder, const Exchange &exchange, int status,
                 const QByteArray &mimeType, const QByteArray &body);
    void respondJson(QHttpServerResponder &responder, const Exchange &exchange, int status,
                     const QByteArray &body);
    void respondError(QHttpServerResponder &responder, const Exchange &exchange, int status,
                      const QString &code, const QString &message);
    void respondNotFound(QHttpServerResponder &responder, const Exchange &exchange);
    void respondMethodNotAllowed(QHttpServerResponder &responder, const Exchange &exchange,
                                 const QByteArray &allow);
    // The client left before its answer was ready: logged as 499, nothing written.
    static void logClientGone(const Exchange &exchange);

    // Unreachable while handleRequest() claims every request; kept honest all the same.
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    static void sendNow(QHttpServerResponder &responder);
};

} // namespace edgedesk
