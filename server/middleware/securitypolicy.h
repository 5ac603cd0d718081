#pragma once

#include "routing/httpresponse.h"
#include "util/result.h"

#include <QByteArray>
#include <QHostAddress>
#include <QStringList>

#include <optional>

namespace edgedesk {

class HttpExchange;

// The request checks that run, in this order, before any route sees a request:
// Host allow-list (DNS rebinding) → cross-site check for every route but the static assets
// (CSRF, and pages elsewhere firing requests that cost) → access token. Pure functions of the
// request's head, so they are tested table by table.
class SecurityPolicy final
{
public:
    struct Config
    {
        quint16 port = 0;
        QHostAddress bindAddress = QHostAddress(QHostAddress::LocalHost);
        QStringList extraHosts; // configured names, e.g. "edgedesk.test" or "myhost:8787"
        QByteArray token;       // empty: no token required
    };

    SecurityPolicy() = default;
    explicit SecurityPolicy(Config config);

    const Config &config() const { return m_config; }
    bool tokenRequired() const { return !m_config.token.isEmpty(); }

    // Where clients reach this server, e.g. "http://127.0.0.2:8787" (named in refusals).
    const QString &baseUrl() const { return m_baseUrl; }

    // 421 misdirected_request unless Host names this server.
    std::optional<Error> checkHost(const QByteArray &host) const;
    // 403 cross_site_request unless the request comes from this server's own pages or from no
    // page at all. Origin, else Referer, else Sec-Fetch-Site decides; a request with none of
    // them (curl, scripts) passes, and so does a page the user opened themselves
    // (Sec-Fetch-Site: none) with a method that changes nothing.
    std::optional<Error> checkCrossSite(const QByteArray &method, const QByteArray &origin,
                                        const QByteArray &referer,
                                        const QByteArray &secFetchSite) const;
    // 401 unauthorized when a token is configured and the request needs it: /run, the control API
    // and every state-changing request. Constant-time comparison.
    std::optional<Error> checkToken(const QByteArray &method, const QByteArray &rawPath,
                                    const QByteArray &authorization) const;
    // All three, in order, for a request whose route is known. The static assets (the fallback
    // route) skip the cross-site check: any site may link to the app's pages. `authorization`
    // is what the client sent (removeCredential() may have taken it out of the exchange).
    std::optional<Error> check(const HttpExchange &exchange, const QByteArray &authorization) const;
    // Drops the Authorization headers that present the access token, so that no route ever
    // forwards EdgeDesk's own credential (to an instance, a service or a remote URL).
    void removeCredential(HeaderList &headers) const;

    static bool isStateChanging(const QByteArray &method);
    bool isAllowedHostPort(const QByteArray &hostPort) const;

private:
    bool presentsToken(const QByteArray &authorization) const;

    Config m_config;
    QString m_baseUrl;
    QList<QByteArray> m_allowedHostPorts; // lower-case "host:port" forms
};

} // namespace edgedesk
