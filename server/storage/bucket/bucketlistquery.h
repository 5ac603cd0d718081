#pragma once

#include "storage/bucket/bucketobject.h"
#include "util/result.h"

namespace edgedesk {

class SqliteDb;

// One page of a bucket's listing, read from its metadata table: keys in UTF-8 byte order from a
// prefix, grouped at a delimiter into common prefixes (which skip every key under them), with an
// opaque cursor for the next page. `bad_request` for a limit outside 1..1000, a prefix or
// delimiter longer than a key may be, or a cursor this bucket did not hand out.
class BucketListQuery final
{
public:
    BucketListQuery() = delete;

    // The caller holds the lock that serialises `db`.
    static Result<BucketListing> run(SqliteDb &db, const BucketListOptions &options,
                                     qint64 maxKeyBytes);
};

} // namespace edgedesk
