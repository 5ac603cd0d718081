#include "routing/httpresponse.h"

#include <QJsonDocument>

namespace edgedesk {

namespace {

struct StatusRow
{
    int status;
    const char *code;
    const char *reason;
};

// Codes first listed win when a status is looked up (codeFor).
constexpr StatusRow kStatusTable[] = {
    {400, "bad_request", "Bad Request"},
    {401, "unauthorized", "Unauthorized"},
    {403, "forbidden", "Forbidden"},
    {403, "cross_site_request", "Forbidden"},
    {403, "command_blocked", "Forbidden"},
    {404, "not_found", "Not Found"},
    {405, "method_not_allowed", "Method Not Allowed"},
    {408, "request_timeout", "Request Timeout"},
    {409, "conflict", "Conflict"},
    {411, "length_required", "Length Required"},
    {412, "precondition_failed", "Precondition Failed"},
    {413, "payload_too_large", "Payload Too Large"},
    {415, "unsupported_media_type", "Unsupported Media Type"},
    {416, "range_not_satisfiable", "Range Not Satisfiable"},
    {421, "misdirected_request", "Misdirected Request"},
    {422, "unprocessable", "Unprocessable Content"},
    {429, "too_many_requests", "Too Many Requests"},
    {431, "headers_too_large", "Request Header Fields Too Large"},
    {500, "internal_error", "Internal Server Error"},
    {500, "storage_error", "Internal Server Error"},
    {501, "not_implemented", "Not Implemented"},
    {502, "bad_gateway", "Bad Gateway"},
    {503, "binding_unavailable", "Service Unavailable"},
    {503, "service_unavailable", "Service Unavailable"},
    {503, "not_configured", "Service Unavailable"},
    {504, "gateway_timeout", "Gateway Timeout"},
    {505, "http_version_not_supported", "HTTP Version Not Supported"},
};

struct PlainStatus
{
    int status;
    const char *reason;
};
constexpr PlainStatus kPlainStatuses[] = {
    {100, "Continue"},
    {101, "Switching Protocols"},
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {204, "No Content"},
    {206, "Partial Content"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {304, "Not Modified"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
};

} // namespace

int HttpStatusTable::statusFor(const QString &code)
{
    for (const auto &row : kStatusTable) {
        if (code == QLatin1String(row.code))
            return row.status;
    }
    return 500;
}

QString HttpStatusTable::codeFor(int status)
{
    for (const auto &row : kStatusTable) {
        if (row.status == status)
            return QString::fromLatin1(row.code);
    }
    return status >= 500 ? QStringLiteral("internal_error") : QStringLiteral("bad_request");
}

QByteArray HttpStatusTable::reasonPhrase(int status)
{
    for (const auto &row : kPlainStatuses) {
        if (row.status == status)
            return QByteArray(row.reason);
    }
    for (const auto &row : kStatusTable) {
        if (row.status == status)
            return QByteArray(row.reason);
    }
    return status < 400 ? QByteArrayLiteral("OK") : QByteArrayLiteral("Error");
}

QByteArray joinedHeader(const HeaderList &headers, QByteArrayView name)
{
    QByteArray value;
    bool found = false;
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0) {
            if (found)
                value += ", ";
            value += h.second;
            found = true;
        }
    }
    return value;
}

QByteArray HttpResponse::headerValue(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

HttpResponse HttpResponse::json(int status, const QJsonObject &object)
{
    return bytes(status, QByteArrayLiteral("application/json"),
                 QJsonDocument(object).toJson(QJsonDocument::Compact));
}

HttpResponse HttpResponse::json(int status, const QJsonArray &array)
{
    return bytes(status, QByteArrayLiteral("application/json"),
                 QJsonDocument(array).toJson(QJsonDocument::Compact));
}

HttpResponse HttpResponse::bytes(int status, QByteArray contentType, QByteArray body)
{
    HttpResponse r;
    r.status = status;
    r.contentType = std::move(contentType);
    r.body = std::move(body);
    return r;
}

HttpResponse HttpResponse::text(int status, const QString &text)
{
    return bytes(status, QByteArrayLiteral("text/plain; charset=utf-8"), text.toUtf8());
}

HttpResponse HttpResponse::error(const QString &code, const QString &message)
{
    const QJsonObject error{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    return json(HttpStatusTable::statusFor(code), QJsonObject{{QStringLiteral("error"), error}});
}

HttpResponse HttpResponse::methodNotAllowed(const QByteArrayList &allowed)
{
    const QByteArray allow = allowed.join(", ");
    auto r = error(
        QStringLiteral("method_not_allowed"),
        QStringLiteral("method not allowed here; allowed: %1").arg(QString::fromLatin1(allow)));
    r.header("Allow", allow);
    return r;
}

HttpResponse HttpResponse::notModified(const QByteArray &etag)
{
    HttpResponse r;
    r.status = 304;
    r.omitBody = true;
    r.header("ETag", etag);
    return r;
}

} // namespace edgedesk
