#pragma once

#include <QByteArray>
#include <QList>
#include <optional>

namespace edgedesk::test {

// Writes zip bytes by hand, for archives no zip library would make: central directories that
// lie about sizes, names with NUL or "..", links, duplicates, 100,001 entries. Entries are
// stored, or raw-deflated when asked; zip64 records are written when needed or forced.
class RawZip final
{
public:
    struct Entry
    {
        QByteArray name;
        QByteArray data;
        bool deflate = false;
        quint16 flags = 0x0800;         // UTF-8 names
        quint16 versionMadeBy = 0x031E; // Unix, spec 3.0
        quint32 externalAttr = 0100644u << 16;
        // What the central directory claims instead of the truth.
        std::optional<quint64> claimedSize;
        std::optional<quint64> claimedCompressedSize;
        std::optional<quint32> claimedCrc;
        std::optional<quint16> claimedMethod;
    };

    RawZip &add(Entry entry);
    RawZip &add(const QByteArray &name, const QByteArray &data, bool deflate = false);
    RawZip &forceZip64(bool on = true);
    QByteArray bytes() const;

    static quint32 crc32(const QByteArray &data);
    static QByteArray rawDeflate(const QByteArray &data);

private:
    QList<Entry> m_entries;
    bool m_forceZip64 = false;
};

} // namespace edgedesk::test
