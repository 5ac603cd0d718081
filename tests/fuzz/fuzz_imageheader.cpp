// The image header sniffer (util/imageheader): the first bytes of every uploaded object and of
// every image /image is asked to transform, read before any decoder sees them.
#include "util/imageheader.h"

#include <cstdint>
#include <cstdlib>

using namespace edgedesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const ImageHeader header = sniffImageHeader(bytes);
    // Dimensions are never negative, and only a recognised format has any.
    if (header.width < 0 || header.height < 0)
        std::abort();
    if (header.format == ImageSourceFormat::Unknown &&
        (header.width != 0 || header.height != 0 || !header.mimeType().isEmpty()))
        std::abort();
    if (header.format != ImageSourceFormat::Unknown &&
        (header.mimeType().isEmpty() || header.magickCoder() == nullptr))
        std::abort();
    return 0;
}
