// The zip reader (archive/zipreader): state imports and bulk image imports are zips from
// anywhere. open() inspects the central directory; every accepted entry is then read, and read()
// must keep its promise: never more bytes than the central directory records.
#include "archive/zipreader.h"

#include <QBuffer>

#include <cstdint>
#include <cstdlib>

using namespace edgedesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QBuffer device(&bytes);
    if (!device.open(QIODevice::ReadOnly))
        std::abort();
    ZipLimits limits;
    limits.maxEntries = 64;
    limits.maxTotalBytes = 1024 * 1024;
    auto reader = ZipReader::open(&device, limits);
    if (!reader.ok())
        return 0;
    const QList<ZipEntry> entries = (*reader)->entries();
    if (entries.size() > limits.maxEntries || (*reader)->totalBytes() > limits.maxTotalBytes)
        std::abort();
    for (int i = 0; i < entries.size(); ++i) {
        if (ZipReader::nameProblem(entries[i].name))
            std::abort(); // open() accepted a name it refuses
        qint64 seen = 0;
        const Status read = (*reader)->read(i, [&seen](const char *, qint64 n) -> Status {
            seen += n;
            return Ok{};
        });
        if (seen > entries[i].size)
            std::abort();
        if (read.ok() && seen != entries[i].size)
            std::abort();
        (void)(*reader)->readAll(i, 4096);
    }
    return 0;
}
