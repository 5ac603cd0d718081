#include "storage/bucket/bucketlistquery.h"

#include "storage/bucket/bucketrow.h"
#include "storage/sqlitedb.h"

#include <optional>

namespace edgedesk {

namespace {

constexpr int kMaxListLimit = 1000;

// Bounds arrive as blobs: a bound may be a key with a byte incremented or a NUL appended, which
// is not valid UTF-8, and CAST keeps the bytes as they are. TEXT compares as memcmp (BINARY
// collation), which is exactly R2's UTF-8 byte order.
const char *const kListFrom =
    "SELECT key, size, etag, content_type, uploaded_ms, custom_metadata FROM objects "
    "WHERE key >= CAST(?1 AS TEXT) ORDER BY key LIMIT ?2";
const char *const kListBetween =
    "SELECT key, size, etag, content_type, uploaded_ms, custom_metadata FROM objects "
    "WHERE key >= CAST(?1 AS TEXT) AND key < CAST(?3 AS TEXT) ORDER BY key LIMIT ?2";
const char *const kAnyFrom = "SELECT 1 FROM objects WHERE key >= CAST(?1 AS TEXT) LIMIT 1";
const char *const kAnyBetween =
    "SELECT 1 FROM objects WHERE key >= CAST(?1 AS TEXT) AND key < CAST(?2 AS TEXT) LIMIT 1";

Error badRequest(const QString &message)
{
    return makeError(QStringLiteral("bad_request"), message);
}

// The smallest byte string greater than every string that starts with `prefix`; empty when there
// is none (no prefix at all). UTF-8 never contains 0xFF, but the loop handles it anyway.
QByteArray upperBound(QByteArray prefix)
{
    while (!prefix.isEmpty()) {
        auto last = static_cast<unsigned char>(prefix.back());
        if (last < 0xFF) {
            prefix.back() = static_cast<char>(last + 1);
            return prefix;
        }
        prefix.chop(1);
    }
    return prefix;
}

QString encodeCursor(const QByteArray &start)
{
    const QByteArray tagged = QByteArrayLiteral("c") + start;
    return QString::fromLatin1(
        tagged.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<QByteArray> decodeCursor(const QString &cursor)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals |
                               QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !decoded.decoded.startsWith('c'))
        return std::nullopt;
    return decoded.decoded.mid(1);
}

} // namespace

Result<BucketListing> BucketListQuery::run(SqliteDb &db, const BucketListOptions &options,
                                           qint64 maxKeyBytes)
{
    if (options.limit < 1 || options.limit > kMaxListLimit)
        return badRequest(QStringLiteral("limit must be an integer 1..%1").arg(kMaxListLimit));
    const QByteArray prefix = options.prefix.toUtf8();
    const QByteArray delimiter = options.delimiter.toUtf8();
    if (prefix.size() > maxKeyBytes)
        return badRequest(QStringLiteral("prefix must be at most %1 bytes").arg(maxKeyBytes));
    if (delimiter.size() > maxKeyBytes)
        return badRequest(QStringLiteral("delimiter must be at most %1 bytes").arg(maxKeyBytes));

    QByteArray start = prefix;
    if (!options.cursor.isEmpty()) {
        const auto decoded = decodeCursor(options.cursor);
        if (!decoded)
            return badRequest(QStringLiteral("cursor is not one this bucket handed out"));
        if (prefix < *decoded)
            start = *decoded;
    }
    const QByteArray end = upperBound(prefix);

    BucketListing listing;
    int count = 0;
    bool exhausted = false;
    while (count < options.limit && !exhausted) {
        const int wanted = options.limit - count;
        auto stmt = db.prepare(end.isEmpty() ? kListFrom : kListBetween);
        if (!stmt)
            return stmt.error();
        (*stmt)->bind(1, start).bind(2, wanted);
        if (!end.isEmpty())
            (*stmt)->bind(3, end);
        int rows = 0;
        bool reseek = false;
        while ((*stmt)->next()) {
            ++rows;
            const QByteArray key = (*stmt)->text(0).toUtf8();
            if (!delimiter.isEmpty()) {
                const qsizetype at = key.indexOf(delimiter, prefix.size());
                if (at >= 0) {
                    // Every key under this common prefix is summarised by it: jump past them.
                    const QByteArray common = key.left(at + delimiter.size());
                    listing.delimitedPrefixes.append(QString::fromUtf8(common));
                    ++count;
                    start = upperBound(common);
                    reseek = true;
                    break;
                }
            }
            listing.objects.append(BucketRow::toObject(**stmt));
            ++count;
            start =
                QByteArray(key).append('\0'); // the next key in byte order (keys never hold NUL)
        }
        const QString error = (*stmt)->error();
        (*stmt)->reset();
        if (!error.isEmpty())
            return makeError(QStringLiteral("storage_error"), error);
        if (!reseek && rows < wanted)
            exhausted = true;
    }
    if (!exhausted) {
        auto any = db.prepare(end.isEmpty() ? kAnyFrom : kAnyBetween);
        if (!any)
            return any.error();
        (*any)->bind(1, start);
        if (!end.isEmpty())
            (*any)->bind(2, end);
        listing.truncated = (*any)->next();
        (*any)->reset();
        if (listing.truncated)
            listing.cursor = encodeCursor(start);
    }
    return listing;
}

} // namespace edgedesk
