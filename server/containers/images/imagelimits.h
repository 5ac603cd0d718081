#pragma once

#include <QtGlobal>

#include <atomic>

namespace edgedesk {

// What one image may take before it is refused as a whole (decompression bombs, archives made
// to exhaust the disk or the inode table). Checked while reading, before the bytes are written.
struct ImageLimits
{
    qint64 maxArchiveBytes = qint64(8) << 30;  // an image archive's own content, unpacked
    qint64 maxUnpackedBytes = qint64(8) << 30; // all layers of one image, decompressed
    qint64 maxEntries = 1000000;               // all layers of one image together
    // Set from another thread to stop a load; it fails with the code "cancelled".
    const std::atomic<bool> *cancel = nullptr;

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

} // namespace edgedesk
