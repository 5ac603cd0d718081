#include "http/httpforwarder.h"

#include <QNetworkReply>
#include <QPointer>

namespace edgedesk {

HttpForwarder::HttpForwarder(QObject *parent) : QObject(parent)
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_network.setAutoDeleteReplies(false);
}

bool HttpForwarder::isHopByHop(const QByteArray &name)
{
    static const QByteArrayList hopByHop{"connection",
                                         "keep-alive",
                                         "proxy-authenticate",
                                         "proxy-authorization",
                                         "proxy-connection",
                                         "te",
                                         "trailer",
                                         "transfer-encoding",
                                         "upgrade",
                                         "content-length",
                                         "host",
                                         "expect"};
    const QByteArray lower = name.toLower();
    return hopByHop.contains(lower);
}

void HttpForwarder::forward(const ExchangePtr &ex, const QUrl &target, const Options &options,
                            std::function<void(int status)> done)
{
    QNetworkRequest request(target);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setTransferTimeout(options.timeoutMs);
    QByteArray forwardedFor;
    for (const auto &h : ex->headers()) {
        if (isHopByHop(h.first))
            continue;
        const QByteArray lower = h.first.toLower();
        if (lower == "x-forwarded-for") {
            forwardedFor = h.second + ", ";
            continue;
        }
        if (lower == "x-forwarded-proto" || lower == "x-forwarded-host")
            continue;
        request.setRawHeader(h.first, h.second);
    }
    QString peer = ex->peer().toString();
    if (peer.startsWith(QLatin1String("::ffff:")))
        peer = peer.mid(7);
    request.setRawHeader("X-Forwarded-For", forwardedFor + peer.toLatin1());
    request.setRawHeader("X-Forwarded-Proto", "http");
    request.setRawHeader("X-Forwarded-Host", ex->header("host"));

    QNetworkReply *reply = m_network.sendCustomRequest(request, ex->method(), ex->body());
    QPointer<QNetworkReply> guard(reply);
    ex->onClientGone([guard] {
        if (guard)
            guard->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [ex, reply, options, done = std::move(done)] {
        reply->deleteLater();
        if (ex->isAnswered())
            return; // the client left; nothing to answer
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto error = reply->error();
        const QString name =
            options.upstreamName.isEmpty() ? reply->url().authority() : options.upstreamName;
        if (status == 0) {
            QString code = QStringLiteral("bad_gateway");
            QString message;
            if (error == QNetworkReply::OperationCanceledError ||
                error == QNetworkReply::TimeoutError) {
                code = QStringLiteral("gateway_timeout");
                message = QStringLiteral("%1 did not answer within %2 ms")
                              .arg(name)
                              .arg(options.timeoutMs);
            } else if (error == QNetworkReply::ConnectionRefusedError) {
                message = QStringLiteral("%1 refused the connection").arg(name);
            } else {
                message = QStringLiteral("%1 failed: %2").arg(name, reply->errorString());
            }
            HttpResponse response = HttpResponse::error(code, message);
            if (!options.upstreamName.isEmpty())
                response.header(options.instanceHeader, options.upstreamName.toUtf8());
            ex->respond(std::move(response));
            if (done)
                done(response.status);
            return;
        }
        HttpResponse response;
        response.status = status;
        for (const auto &h : reply->rawHeaderPairs()) {
            if (isHopByHop(h.first))
                continue;
            if (h.first.compare("content-type", Qt::CaseInsensitive) == 0) {
                response.contentType = h.second;
                continue;
            }
            response.headers.append(h);
        }
        response.body = reply->readAll();
        if (!options.upstreamName.isEmpty())
            response.header(options.instanceHeader, options.upstreamName.toUtf8());
        ex->respond(std::move(response));
        if (done)
            done(status);
    });
}

} // namespace edgedesk
