#include "bindings/ai/aitransfer.h"

#include <QDateTime>

namespace edgedesk {

namespace {

Error badGateway(const QString &message)
{
    return makeError(QStringLiteral("bad_gateway"), message);
}

} // namespace

AiTransfer::~AiTransfer()
{
    if (easy)
        curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    authorization.fill('\0');
}

void AiTransfer::resetAttempt()
{
    statusKnown = false;
    status = 0;
    contentType.clear();
    retryAfter.clear();
    sse = false;
    body.clear();
    decoder = SseDecoder();
    failure.reset();
    errorBuffer[0] = '\0';
}

AiResult AiTransfer::result() const
{
    AiResult r;
    r.response = text;
    r.model = model;
    r.provider = config.providerName();
    r.usage = usage;
    r.durationMs = elapsedMs();
    return r;
}

qint64 AiTransfer::elapsedMs() const
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
}

QString AiTransfer::scrub(QString text) const
{
    if (token.size() >= 4)
        text.replace(token, QStringLiteral("[redacted]"));
    return text;
}

bool AiTransfer::consumeStream(const char *data, size_t bytes)
{
    QList<SseDecoder::Event> events;
    if (!decoder.feed(QByteArray(data, qsizetype(bytes)), events)) {
        failure = badGateway(
            QStringLiteral("the AI provider %1 sent a malformed stream (an event over 1 MiB)")
                .arg(config.providerName()));
        return false;
    }
    return handleEvents(events);
}

bool AiTransfer::handleEvents(const QList<SseDecoder::Event> &events)
{
    for (const SseDecoder::Event &event : events) {
        if (doneDelivered)
            return true;
        const auto parsed = AiProtocol::parseStreamEvent(config, event.data);
        if (!parsed) {
            failure = Error{parsed.error().code, scrub(parsed.error().message)};
            return false;
        }
        if (!parsed->usage.isEmpty())
            usage = parsed->usage;
        if (parsed->done) {
            doneDelivered = true;
            state->postDone(result());
            return true;
        }
        if (!parsed->token.isEmpty()) {
            text += parsed->token;
            ++tokens;
            state->postToken(parsed->token);
        }
    }
    return true;
}

Error AiTransfer::httpError() const
{
    const QString provider = config.providerName();
    if (status == 401 || status == 403) {
        // Never echo the upstream body here: some servers repeat the key they were sent.
        QString message = QStringLiteral("the provider rejected the credentials (HTTP %1 from %2)")
                              .arg(status)
                              .arg(provider);
        if (!config.apiKeySecret.isEmpty())
            message += QStringLiteral("; check the secret %1").arg(config.apiKeySecret);
        return badGateway(message);
    }
    const QString detail = scrub(AiProtocol::upstreamErrorDetail(body));
    QString message =
        QStringLiteral("the AI provider %1 answered HTTP %2").arg(provider).arg(status);
    if (retries > 0)
        message += QStringLiteral(" after %1 retries").arg(retries);
    if (!detail.isEmpty())
        message += QStringLiteral(": ") + detail;
    return badGateway(message);
}

size_t AiTransfer::onHeader(char *data, size_t size, size_t count, void *userData)
{
    auto *transfer = static_cast<AiTransfer *>(userData);
    const size_t bytes = size * count;
    const QByteArrayView line = QByteArrayView(data, qsizetype(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        // A new response (after "100 Continue", say): forget the previous one's headers.
        transfer->contentType.clear();
        transfer->retryAfter.clear();
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return bytes;
    const QByteArray name = line.first(colon).trimmed().toByteArray().toLower();
    if (name == "content-type")
        transfer->contentType = line.sliced(colon + 1).trimmed().toByteArray().toLower();
    else if (name == "retry-after")
        transfer->retryAfter = line.sliced(colon + 1).trimmed().toByteArray();
    return bytes;
}

size_t AiTransfer::onWrite(char *data, size_t size, size_t count, void *userData)
{
    auto *transfer = static_cast<AiTransfer *>(userData);
    const size_t bytes = size * count;
    if (transfer->state->isCancelled())
        return 0; // aborts at once; the engine drops the transfer silently
    if (!transfer->statusKnown) {
        curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &transfer->status);
        transfer->statusKnown = true;
        transfer->sse = transfer->stream && transfer->status / 100 == 2 &&
                        transfer->contentType.startsWith("text/event-stream");
    }
    if (transfer->sse)
        return transfer->consumeStream(data, bytes) ? bytes : 0;

    const qsizetype limit = transfer->status / 100 == 2 ? kMaxAnswerBytes : kMaxErrorBodyBytes;
    if (transfer->body.size() + qsizetype(bytes) > limit) {
        if (transfer->status / 100 != 2)
            return bytes; // an error page: its start is all we need
        transfer->failure =
            badGateway(QStringLiteral("the AI provider %1 sent an answer over %2 MiB")
                           .arg(transfer->config.providerName())
                           .arg(kMaxAnswerBytes / (1024 * 1024)));
        return 0;
    }
    transfer->body.append(data, qsizetype(bytes));
    return bytes;
}

std::optional<int> AiTransfer::retryAfterMs(const QByteArray &value)
{
    if (value.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 secondsValue = value.toLongLong(&ok);
    if (ok)
        return secondsValue < 0 ? 0 : int(qMin<qint64>(secondsValue, 24 * 3600) * 1000);
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return int(
        qBound(qint64(0), QDateTime::currentDateTimeUtc().msecsTo(when), qint64(24 * 3600 * 1000)));
}

} // namespace edgedesk
