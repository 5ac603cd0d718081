#include "bindings/services/builtinworkerservice.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringDecoder>
#include <QUrlQuery>

namespace edgedesk {

BuiltinWorkerService::BuiltinWorkerService(QString serviceName, QString binding)
    : m_name(std::move(serviceName)), m_binding(std::move(binding))
{}

void BuiltinWorkerService::fetch(const ServiceRequest &request,
                                 std::function<void(HttpResponse)> respond)
{
    const QString &path = request.path;
    if (path == QLatin1String("/echo")) {
        QJsonObject headers;
        for (const auto &h : request.headers) {
            const QString name = QString::fromLatin1(h.first).toLower();
            const QString value = QString::fromUtf8(h.second);
            headers.insert(name, headers.contains(name)
                                     ? headers.value(name).toString() + QStringLiteral(", ") + value
                                     : value);
        }
        QJsonObject query;
        QByteArray rawQuery = request.rawQuery;
        rawQuery.replace('+', "%20");
        for (const auto &item :
             QUrlQuery(QString::fromUtf8(rawQuery)).queryItems(QUrl::FullyDecoded))
            query.insert(item.first, item.second);
        QJsonObject body{{QStringLiteral("service"), m_name},
                         {QStringLiteral("method"), QString::fromLatin1(request.method)},
                         {QStringLiteral("path"), path},
                         {QStringLiteral("query"), query},
                         {QStringLiteral("headers"), headers}};
        QStringDecoder utf8(QStringDecoder::Utf8);
        const QString text = utf8(request.body);
        if (!utf8.hasError()) {
            body.insert(QStringLiteral("body"), text);
        } else {
            body.insert(QStringLiteral("body"), QString::fromLatin1(request.body.toBase64()));
            body.insert(QStringLiteral("body_encoding"), QStringLiteral("base64"));
        }
        respond(HttpResponse::json(200, body));
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
