#include "bindings/services/builtinworkerservice.h"

#include "util/jsonwriter.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QUrlQuery>

#include <algorithm>
#include <vector>

namespace edgedesk {

BuiltinWorkerService::BuiltinWorkerService(QString serviceName, QString binding)
    : m_name(std::move(serviceName)), m_binding(std::move(binding))
{}

QByteArray BuiltinWorkerService::echo(const ServiceRequest &request) const
{
    // Every request of a load test goes through here: written with JsonWriter, members in the
    // sorted order a QJsonObject would print.
    // Lower-case name -> value, repeated headers joined, in name order (as a QJsonObject would
    // print them). Names are ASCII tokens; values are written as they came when they are UTF-8.
    std::vector<std::pair<QByteArray, QByteArray>> headers;
    headers.reserve(size_t(request.headers.size()));
    for (const auto &h : request.headers) {
        const QByteArray name = h.first.toLower();
        auto it = std::find_if(headers.begin(), headers.end(),
                               [&name](const auto &e) { return e.first == name; });
        if (it == headers.end())
            headers.emplace_back(name, h.second);
        else
            it->second += ", " + h.second;
    }
    std::sort(headers.begin(), headers.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    QMap<QString, QString> query;
    if (!request.rawQuery.isEmpty()) {
        QByteArray rawQuery = request.rawQuery;
        rawQuery.replace('+', "%20");
        for (const auto &item :
             QUrlQuery(QString::fromUtf8(rawQuery)).queryItems(QUrl::FullyDecoded))
            query.insert(item.first, item.second);
    }
    const bool utf8 = request.body.isValidUtf8();

    JsonWriter json(512 + request.body.size());
    json.beginObject().key(QLatin1StringView("body"));
    if (utf8)
        json.valueUtf8(request.body);
    else
        json.value(QLatin1StringView(request.body.toBase64()));
    if (!utf8)
        json.member("body_encoding", QLatin1StringView("base64"));
    json.key(QLatin1StringView("headers")).beginObject();
    for (const auto &[name, value] : headers) {
        if (std::all_of(name.cbegin(), name.cend(), [](char c) { return uchar(c) < 0x80; }))
            json.key(QLatin1StringView(name));
        else
            json.key(QStringView(QString::fromLatin1(name)));
        if (value.isValidUtf8())
            json.valueUtf8(value);
        else
            json.value(QStringView(QString::fromUtf8(value))); // U+FFFD for what is not UTF-8
    }
    json.endObject();
    json.member("method", QLatin1StringView(request.method));
    json.member("path", QStringView(request.path));
    json.key(QLatin1StringView("query")).beginObject();
    for (auto it = query.cbegin(); it != query.cend(); ++it)
        json.key(QStringView(it.key())).value(QStringView(it.value()));
    json.endObject();
    json.member("service", QStringView(m_name));
    json.endObject();
    return json.take();
}

void BuiltinWorkerService::fetch(const ServiceRequest &request,
                                 std::function<void(HttpResponse)> respond)
{
    const QString &path = request.path;
    if (path == QLatin1String("/echo")) {
        respond(HttpResponse::bytes(200, "application/json", echo(request)));
        return;
    }
    if (request.method != "GET" && request.method != "HEAD") {
        respond(HttpResponse::methodNotAllowed({"GET", "HEAD"}));
        return;
    }
    if (path == QLatin1String("/") || path.isEmpty() || path == QLatin1String("/hello")) {
        respond(HttpResponse::json(
            200,
            QJsonObject{{QStringLiteral("service"), m_name},
                        {QStringLiteral("binding"), m_binding},
                        {QStringLiteral("message"),
                         QStringLiteral("Hello from %1, called through the %2 service binding")
                             .arg(m_name, m_binding)},
                        {QStringLiteral("path"), path.isEmpty() ? QStringLiteral("/") : path}}));
        return;
    }
    if (path == QLatin1String("/time")) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        respond(HttpResponse::json(
            200, QJsonObject{{QStringLiteral("service"), m_name},
                             {QStringLiteral("time"), now.toString(Qt::ISODateWithMs)},
                             {QStringLiteral("epoch_ms"), double(now.toMSecsSinceEpoch())}}));
        return;
    }
    respond(HttpResponse::error(QStringLiteral("not_found"),
                                QStringLiteral("%1 has no route %2 (try /hello, /echo, /time)")
                                    .arg(m_name, path.left(200))));
}

} // namespace edgedesk
