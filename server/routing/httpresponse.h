#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace edgedesk {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// The value of the header `name` (compared without case); repeated ones joined with ", ".
QByteArray joinedHeader(const HeaderList &headers, QByteArrayView name);

// A complete (non-streamed) HTTP response. The transport adds Content-Length, Connection and the
// security headers; handlers set only what is theirs.
struct HttpResponse
{
    int status = 200;
    QByteArray contentType; // always explicit (Qt 6.4 sniffs it with QMimeDatabase otherwise: slow)
    QByteArray body;
    HeaderList headers;
    // HEAD answers and 304s keep the headers of the full response but send no body.
    bool omitBody = false;
    // A HEAD answer built without reading its body: the Content-Length the GET would send.
    qint64 headLength = -1;
    // HTML answers carry EdgeDesk's strict Content-Security-Policy, written for its own pages; a
    // project's pages get none, as on the platform (they may load scripts from a CDN).
    bool pagePolicy = true;

    HttpResponse &header(QByteArray name, QByteArray value)
    {
        headers.append({std::move(name), std::move(value)});
        return *this;
    }
    QByteArray headerValue(const QByteArray &name) const;

    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse json(int status, const QJsonArray &array);
    static HttpResponse bytes(int status, QByteArray contentType, QByteArray body);
    static HttpResponse text(int status, const QString &text);
    // {"error":{"code":"...","message":"..."}} with the status the code maps to.
    static HttpResponse error(const QString &code, const QString &message);
    static HttpResponse error(const Error &error)
    {
        return HttpResponse::error(error.code, error.message);
    }
    // 405 with the Allow header.
    static HttpResponse methodNotAllowed(const QByteArrayList &allowed);
    static HttpResponse notModified(const QByteArray &etag);
};

// The one table of error kinds and HTTP statuses (qBittorrent keeps one too). Every error answer
// goes through it so that a code never travels with a wrong status.
namespace HttpStatusTable {
int statusFor(const QString &code);
QString codeFor(int status);
QByteArray reasonPhrase(int status);
} // namespace HttpStatusTable

} // namespace edgedesk
