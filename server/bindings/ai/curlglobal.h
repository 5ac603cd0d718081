#pragma once

#include <QByteArray>

namespace edgedesk {

// Process-wide libcurl set-up shared by every outbound call of the AI binding.
class CurlGlobal final
{
public:
    // curl_global_init once, before the first handle (it is not safe to race).
    static void ensureInitialized();
    // Options every easy handle gets: no signals (we run on worker threads), our User-Agent,
    // and loopback excluded from any proxy in the environment (a local Ollama or test server
    // must never be reached through http_proxy).
    static void applyDefaults(void *easy); // a CURL *

private:
    CurlGlobal() = delete;
};

} // namespace edgedesk
