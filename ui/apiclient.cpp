#include "apiclient.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QPointer>

namespace edgedesk {

QJsonObject ApiResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray ApiResponse::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QString ApiResponse::describeError() const
{
    if (!errorMessage.isEmpty())
        return status > 0 ? QStringLiteral("%1 — %2").arg(status).arg(errorMessage) : errorMessage;
    if (status > 0)
        return QStringLiteral("HTTP %1").arg(status);
    return QStringLiteral("no answer from the server");
}

ApiClient::ApiClient(QObject *parent) : QObject(parent)
{
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

QUrl ApiClient::url(const QString &pathAndQuery) const
{
    return m_base.resolved(QUrl(pathAndQuery));
}

QNetworkRequest ApiClient::makeRequest(const QString &pathAndQuery, const ApiHeaders &headers) const
{
    QNetworkRequest request(url(pathAndQuery));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    for (const auto &h : headers)
        request.setRawHeader(h.first, h.second);
    return request;
}

QNetworkReply *ApiClient::send(const QByteArray &method, const QString &pathAndQuery,
                               const QByteArray &body, const ApiHeaders &headers)
{
    return m_network.sendCustomRequest(makeRequest(pathAndQuery, headers), method, body);
}

ApiResponse ApiClient::responseFrom(QNetworkReply *reply, qint64 elapsedMs)
{
    ApiResponse r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.elapsedMs = elapsedMs;
    for (const auto &h : reply->rawHeaderPairs())
        r.headers.append(h);
    if (r.status == 0) {
        r.errorCode = QStringLiteral("network_error");
        r.errorMessage = reply->errorString();
    } else if (!r.ok()) {
        const QJsonObject error = r.json().value(QStringLiteral("error")).toObject();
        r.errorCode = error.value(QStringLiteral("code")).toString();
        r.errorMessage = error.value(QStringLiteral("message")).toString();
    }
    return r;
}

void ApiClient::abandon(QNetworkReply *reply, const QObject *handler)
{
    if (!reply)
        return;
    reply->disconnect(handler);
    reply->abort();
    reply->deleteLater();
}

QNetworkReply *ApiClient::call(const QByteArray &method, const QString &pathAndQuery,
                               const QByteArray &body, const ApiHeaders &headers, QObject *context,
                               std::function<void(const ApiResponse &)> done)
{
    QNetworkReply *reply = send(method, pathAndQuery, body, headers);
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QPointer<QObject> guard(context);
    connect(reply, &QNetworkReply::finished, this, [reply, timer, guard, done = std::move(done)] {
        reply->deleteLater();
        if (!guard)
            return;
        done(responseFrom(reply, timer->elapsed()));
    });
    return reply;
}

QString ApiClient::curlCommand(const QByteArray &method, const QString &pathAndQuery,
                               const ApiHeaders &headers, const QByteArray &body) const
{
    auto quote = [](const QString &s) {
        QString q = s;
        q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
        return QLatin1Char('\'') + q + QLatin1Char('\'');
    };
    QStringList parts{QStringLiteral("curl"), QStringLiteral("-s")};
    if (method != "GET" && !(method == "POST" && !body.isEmpty()))
        parts << QStringLiteral("-X") << QString::fromLatin1(method);
    if (!m_token.isEmpty())
        parts << QStringLiteral("-H") << quote(QStringLiteral("Authorization: Bearer ") + m_token);
    for (const auto &h : headers)
        parts << QStringLiteral("-H")
              << quote(QString::fromLatin1(h.first) + QStringLiteral(": ") +
                       QString::fromUtf8(h.second));
    if (!body.isEmpty())
        parts << QStringLiteral("--data-binary") << quote(QString::fromUtf8(body));
    parts << quote(url(pathAndQuery).toString());
    return parts.join(QLatin1Char(' '));
}

} // namespace edgedesk
