#include "middleware/securitypolicy.h"

#include "routing/route.h"

#include <QUrl>

#include <sodium.h>

namespace edgedesk {

namespace {

QByteArray hostLiteral(const QHostAddress &address)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return '[' + address.toString().toLatin1() + ']';
    return address.toString().toLatin1();
}

bool isWildcard(const QHostAddress &address)
{
    return address == QHostAddress::Any || address == QHostAddress::AnyIPv4 ||
           address == QHostAddress::AnyIPv6;
}

// The credential of an `Authorization: Bearer <credential>` header; empty for other schemes.
QByteArray bearerValue(const QByteArray &authorization)
{
    static const QByteArray scheme = "Bearer ";
    return authorization.startsWith(scheme) ? authorization.mid(scheme.size()).trimmed()
                                            : QByteArray();
}

} // namespace

SecurityPolicy::SecurityPolicy(Config config) : m_config(std::move(config))
{
    const QByteArray port = QByteArray::number(m_config.port);
    QList<QByteArray> names{"localhost", "127.0.0.1", "[::1]"};
    // The bound address is always a name of this server (127.0.0.2 is loopback too); a wildcard
    // bind is reached through the loopback names.
    const QHostAddress &bind = m_config.bindAddress;
    const QByteArray bound =
        isWildcard(bind) || bind.isNull() ? QByteArray("127.0.0.1") : hostLiteral(bind).toLower();
    if (!names.contains(bound))
        names.append(bound);
    m_baseUrl = QStringLiteral("http://%1:%2").arg(QString::fromLatin1(bound)).arg(m_config.port);
    for (const QString &extra : m_config.extraHosts) {
        const QByteArray e = extra.trimmed().toLower().toLatin1();
        if (e.isEmpty())
            continue;
        // A configured name with an explicit port is taken as it is; otherwise the bound port.
        const bool hasPort = e.startsWith('[') ? e.contains("]:") : e.contains(':');
        if (hasPort)
            m_allowedHostPorts.append(e);
        else
            names.append(e);
    }
    for (const QByteArray &n : names) {
        m_allowedHostPorts.append(n + ':' + port);
        if (m_config.port == 80)
            m_allowedHostPorts.append(n);
    }
}

bool SecurityPolicy::isStateChanging(const QByteArray &method)
{
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool SecurityPolicy::isAllowedHostPort(const QByteArray &hostPort) const
{
    const QByteArray h = hostPort.trimmed().toLower();
    return std::any_of(m_allowedHostPorts.cbegin(), m_allowedHostPorts.cend(),
                       [&](const QByteArray &a) { return a == h; });
}

std::optional<Error> SecurityPolicy::checkHost(const QByteArray &host) const
{
    if (host.isEmpty())
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("the Host header is required"));
    if (!isAllowedHostPort(host)) {
        return makeError(QStringLiteral("misdirected_request"),
                         QStringLiteral("Host '%1' is not served here; use %2 "
                                        "(or add the name to the allowed hosts)")
                             .arg(QString::fromLatin1(host).left(200), m_baseUrl));
    }
    return std::nullopt;
}

std::optional<Error> SecurityPolicy::checkCrossSite(const QByteArray &method,
                                                    const QByteArray &origin,
                                                    const QByteArray &referer,
                                                    const QByteArray &secFetchSite) const
{
    auto refuse = [](const QString &why) {
        return makeError(QStringLiteral("cross_site_request"),
                         QStringLiteral("cross-site request refused: %1").arg(why));
    };
    auto sameOrigin = [this](const QByteArray &originOrUrl) {
        const QUrl url(QString::fromLatin1(originOrUrl));
        if (!url.isValid() || url.scheme() != QLatin1String("http") || url.host().isEmpty())
            return false;
        QByteArray hostPort = url.host(QUrl::FullyEncoded).toLatin1();
        if (hostPort.contains(':') && !hostPort.startsWith('['))
            hostPort = '[' + hostPort + ']';
        hostPort += ':' + QByteArray::number(url.port(80));
        return isAllowedHostPort(hostPort);
    };
    if (!origin.isEmpty()) {
        if (origin == "null" || !sameOrigin(origin))
            return refuse(QStringLiteral("Origin '%1' is not this server")
                              .arg(QString::fromLatin1(origin).left(200)));
        return std::nullopt;
    }
    if (!referer.isEmpty()) {
        if (!sameOrigin(referer))
            return refuse(QStringLiteral("Referer is not this server"));
        return std::nullopt;
    }
    if (!secFetchSite.isEmpty()) {
        const bool userOpened =
            !isStateChanging(method) && secFetchSite.compare("none", Qt::CaseInsensitive) == 0;
        if (!userOpened && secFetchSite.compare("same-origin", Qt::CaseInsensitive) != 0)
            return refuse(QStringLiteral("Sec-Fetch-Site is '%1'")
                              .arg(QString::fromLatin1(secFetchSite).left(40)));
    }
    return std::nullopt;
}

std::optional<Error> SecurityPolicy::checkToken(const QByteArray &method, const QByteArray &rawPath,
                                                const QByteArray &authorization) const
{
    if (!tokenRequired())
        return std::nullopt;
    const bool needed = isStateChanging(method) || rawPath == "/run" ||
                        rawPath.startsWith("/run/") || rawPath.startsWith("/__edgedesk/");
    if (!needed)
        return std::nullopt;
    if (!presentsToken(authorization)) {
        return makeError(QStringLiteral("unauthorized"),
                         bearerValue(authorization).isEmpty()
                             ? QStringLiteral("this request needs 'Authorization: Bearer <token>'")
                             : QStringLiteral("the access token is not valid"));
    }
    return std::nullopt;
}

bool SecurityPolicy::presentsToken(const QByteArray &authorization) const
{
    const QByteArray presented = bearerValue(authorization);
    if (presented.isEmpty() || !tokenRequired())
        return false;
    const QByteArray &expected = m_config.token;
    // Compare in constant time; lengths may differ, so compare fixed-size digests.
    unsigned char a[crypto_generichash_BYTES];
    unsigned char b[crypto_generichash_BYTES];
    crypto_generichash(a, sizeof a, reinterpret_cast<const unsigned char *>(presented.constData()),
                       size_t(presented.size()), nullptr, 0);
    crypto_generichash(b, sizeof b, reinterpret_cast<const unsigned char *>(expected.constData()),
                       size_t(expected.size()), nullptr, 0);
    return sodium_memcmp(a, b, sizeof a) == 0;
}

std::optional<Error> SecurityPolicy::check(const HttpExchange &exchange,
                                           const QByteArray &authorization) const
{
    if (auto e = checkHost(exchange.header("host")))
        return e;
    const Route *route = exchange.route();
    if (!route || !route->fallback) {
        if (auto e = checkCrossSite(exchange.method(), exchange.header("origin"),
                                    exchange.header("referer"), exchange.header("sec-fetch-site")))
            return e;
    }
    if (!tokenRequired())
        return std::nullopt;
    return checkToken(exchange.method(), exchange.rawPath(), authorization);
}

void SecurityPolicy::removeCredential(HeaderList &headers) const
{
    if (!tokenRequired())
        return;
    headers.removeIf([this](const QPair<QByteArray, QByteArray> &h) {
        return h.first.compare("authorization", Qt::CaseInsensitive) == 0 &&
               presentsToken(h.second);
    });
}

} // namespace edgedesk
