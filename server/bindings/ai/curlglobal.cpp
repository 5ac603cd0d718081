#include "bindings/ai/curlglobal.h"

#include "edgedesk/version.h"

#include <curl/curl.h>

#include <mutex>

namespace edgedesk {

namespace {

QByteArray noProxyList()
{
    QByteArray list = qgetenv("no_proxy");
    if (list.isEmpty())
        list = qgetenv("NO_PROXY");
    if (!list.isEmpty())
        list.append(',');
    list.append("localhost,127.0.0.1,::1");
    return list;
}

} // namespace

void CurlGlobal::ensureInitialized()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void CurlGlobal::applyDefaults(void *easy)
{
    static const QByteArray noProxy = noProxyList();
    static const QByteArray userAgent = QByteArrayLiteral("EdgeDesk/" EDGEDESK_VERSION);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_NOPROXY, noProxy.constData());
    curl_easy_setopt(easy, CURLOPT_USERAGENT, userAgent.constData());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
}

} // namespace edgedesk
