#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPair>
#include <QUrl>

#include <functional>

class QNetworkReply;

namespace edgedesk {

using ApiHeaders = QList<QPair<QByteArray, QByteArray>>;

// A finished call to the local server, as a panel shows it.
struct ApiResponse
{
    int status = 0; // 0: no HTTP answer (see errorMessage)
    QByteArray body;
    ApiHeaders headers;
    qint64 elapsedMs = 0;
    QString errorCode;    // from {"error":{"code"}} or "network_error"
    QString errorMessage; // the server's own message when it sent one

    bool ok() const { return status >= 200 && status < 300; }
    QJsonObject json() const;
    QByteArray header(const QByteArray &name) const;
    // What to show the user when !ok(): the server's JSON message, else the HTTP status, else
    // the network error.
    QString describeError() const;
};

// The panels' HTTP client: a QNetworkAccessManager in the GUI thread talking to the local
// endpoints exactly as curl would (plus the access token when the server has one).
class ApiClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiClient)

public:
    explicit ApiClient(QObject *parent = nullptr);

    void setBaseUrl(const QUrl &url) { m_base = url; }
    QUrl baseUrl() const { return m_base; }
    void setToken(const QString &token) { m_token = token; }
    QString token() const { return m_token; }
    QNetworkAccessManager *network() { return &m_network; }

    QUrl url(const QString &pathAndQuery) const;
    QNetworkRequest makeRequest(const QString &pathAndQuery, const ApiHeaders &headers = {}) const;

    // Starts a request; the reply is owned by the caller (deleteLater it). For streaming panels.
    QNetworkReply *send(const QByteArray &method, const QString &pathAndQuery,
                        const QByteArray &body = {}, const ApiHeaders &headers = {});
    // Starts a request and calls `done` in the GUI thread when it finishes (not if `context` is
    // gone). Returns the reply so the caller may abort() it.
    QNetworkReply *call(const QByteArray &method, const QString &pathAndQuery,
                        const QByteArray &body, const ApiHeaders &headers, QObject *context,
                        std::function<void(const ApiResponse &)> done);
    QNetworkReply *get(const QString &pathAndQuery, QObject *context,
                       std::function<void(const ApiResponse &)> done)
    {
        return call("GET", pathAndQuery, {}, {}, context, std::move(done));
    }

    static ApiResponse responseFrom(QNetworkReply *reply, qint64 elapsedMs);
    // Drops a request whose answer is no longer wanted: `handler` (this client for call(), the
    // caller's object for send()) never hears of it, since reading an aborted reply only
    // produces warnings. Null replies are ignored.
    static void abandon(QNetworkReply *reply, const QObject *handler);
    // The exact curl command for the same request ("Copy as curl").
    QString curlCommand(const QByteArray &method, const QString &pathAndQuery,
                        const ApiHeaders &headers = {}, const QByteArray &body = {}) const;

private:
    QNetworkAccessManager m_network;
    QUrl m_base;
    QString m_token;
};

} // namespace edgedesk
