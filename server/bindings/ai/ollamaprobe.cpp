#include "bindings/ai/ollamaprobe.h"

#include "bindings/ai/ailog.h"
#include "bindings/ai/curlglobal.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <curl/curl.h>

#include <memory>

namespace edgedesk {

namespace {

constexpr qsizetype kMaxTagsBytes = 4 * 1024 * 1024;

size_t appendBody(char *data, size_t size, size_t count, void *userData)
{
    auto *body = static_cast<QByteArray *>(userData);
    const size_t bytes = size * count;
    if (body->size() + qsizetype(bytes) > kMaxTagsBytes)
        return 0; // aborts: no tags list is that large
    body->append(data, qsizetype(bytes));
    return bytes;
}

} // namespace

std::optional<QString> probeOllama(const QString &baseUrl, int timeoutMs)
{
    CurlGlobal::ensureInitialized();
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(),
                                                                   &curl_easy_cleanup);
    if (!easy)
        return std::nullopt;

    QString base = baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    const QByteArray url = (base + QStringLiteral("/api/tags")).toUtf8();
    QByteArray body;
    CurlGlobal::applyDefaults(easy.get());
    curl_easy_setopt(easy.get(), CURLOPT_URL, url.constData());
    curl_easy_setopt(easy.get(), CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, long(qMax(1, timeoutMs)));
    curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, long(qMax(1, timeoutMs)));
    curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &appendBody);
    curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &body);

    const CURLcode code = curl_easy_perform(easy.get());
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK || status != 200) {
        qCDebug(lcAi) << "no Ollama at" << base << "(" << curl_easy_strerror(code) << "status"
                      << status << ")";
        return std::nullopt;
    }

    const QJsonArray models =
        QJsonDocument::fromJson(body).object().value(QLatin1String("models")).toArray();
    for (const QJsonValue &model : models) {
        const QJsonObject entry = model.toObject();
        QString name = entry.value(QLatin1String("name")).toString();
        if (name.isEmpty())
            name = entry.value(QLatin1String("model")).toString();
        if (isValidAiModelName(name)) {
            qCInfo(lcAi) << "Ollama answered at" << base << "with model" << name;
            return name;
        }
    }
    qCInfo(lcAi) << "Ollama answered at" << base << "but has no model (ollama pull llama3.2)";
    return std::nullopt;
}

} // namespace edgedesk
