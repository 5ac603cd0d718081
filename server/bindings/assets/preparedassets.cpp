#include "bindings/assets/preparedassets.h"

#include "bindings/assets/assetstore.h"

namespace edgedesk {

PreparedAssets::PreparedAssets(std::shared_ptr<const AssetStore> store)
    : m_store(std::move(store)), m_fixed(!m_store->readsFromDisk())
{
}

const PreparedResponse *PreparedAssets::find(const QByteArray &rawPath)
{
    const auto it = m_entries.find(rawPath);
    if (it == m_entries.end())
        return nullptr;
    if (!m_fixed && m_store->version(it->file) != it->etag) {
        m_bytes -= it->response.bodySize();
        m_entries.erase(it);
        return nullptr;
    }
    return &it->response;
}

void PreparedAssets::offer(const QByteArray &rawPath, const QString &path,
                           const AssetIntent &intent, const HttpResponse &response)
{
    if (intent.kind != AssetIntent::Kind::Serve || intent.status != 200 || response.status != 200)
        return;
    const bool fixedMeaning =
        intent.path == path ||
        (path.endsWith(QLatin1Char('/')) && intent.path == path + QLatin1String("index.html"));
    if (!fixedMeaning && !m_fixed)
        return;
    const QString &file = intent.path;
    const QByteArray etag = response.headerValue("ETag");
    if (etag.isEmpty() || response.body.size() > kMaxEntryBytes ||
        m_bytes + response.body.size() > kMaxTotalBytes)
        return;
    if (const auto old = m_entries.constFind(rawPath); old != m_entries.cend())
        m_bytes -= old->response.bodySize();
    m_entries.insert(rawPath, Entry{file, etag, PreparedResponse(response)});
    m_bytes += response.body.size();
}

} // namespace edgedesk
