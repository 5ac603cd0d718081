#include "rawzip.h"

#include <QtEndian>

#include <zlib.h>

namespace edgedesk::test {

namespace {

void put16(QByteArray &out, quint16 v)
{
    char b[2];
    qToLittleEndian(v, b);
    out.append(b, 2);
}

void put32(QByteArray &out, quint32 v)
{
    char b[4];
    qToLittleEndian(v, b);
    out.append(b, 4);
}

void put64(QByteArray &out, quint64 v)
{
    char b[8];
    qToLittleEndian(v, b);
    out.append(b, 8);
}

constexpr quint32 kMax32 = 0xFFFFFFFFu;

} // namespace

quint32 RawZip::crc32(const QByteArray &data)
{
    return quint32(::crc32(::crc32(0L, nullptr, 0),
                           reinterpret_cast<const Bytef *>(data.constData()), uInt(data.size())));
}

QByteArray RawZip::rawDeflate(const QByteArray &data)
{
    z_stream z{};
    deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&z, uLong(data.size()))), Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

RawZip &RawZip::add(Entry entry)
{
    m_entries.append(std::move(entry));
    return *this;
}

RawZip &RawZip::add(const QByteArray &name, const QByteArray &data, bool deflate)
{
    Entry e;
    e.name = name;
    e.data = data;
    e.deflate = deflate;
    return add(std::move(e));
}

RawZip &RawZip::forceZip64(bool on)
{
    m_forceZip64 = on;
    return *this;
}

QByteArray RawZip::bytes() const
{
    QByteArray out;
    QByteArray central;
    for (const Entry &e : m_entries) {
        const QByteArray payload = e.deflate ? rawDeflate(e.data) : e.data;
        const quint16 method = e.deflate ? 8 : 0;
        const quint32 crc = crc32(e.data);
        const quint64 offset = quint64(out.size());

        // Local header: the truth.
        put32(out, 0x04034b50);
        put16(out, 20);
        put16(out, e.flags);
        put16(out, method);
        put16(out, 0);      // time
        put16(out, 0x5821); // 2024-01-01
        put32(out, crc);
        put32(out, quint32(payload.size()));
        put32(out, quint32(e.data.size()));
        put16(out, quint16(e.name.size()));
        put16(out, 0);
        out.append(e.name);
        out.append(payload);

        // Central directory: possibly lies, possibly zip64.
        const quint64 size = e.claimedSize.value_or(quint64(e.data.size()));
        const quint64 csize = e.claimedCompressedSize.value_or(quint64(payload.size()));
        const bool zip64 = size >= kMax32 || csize >= kMax32 || offset >= kMax32;
        QByteArray extra;
        if (zip64) {
            put16(extra, 0x0001);
            put16(extra, 24);
            put64(extra, size);
            put64(extra, csize);
            put64(extra, offset);
        }
        put32(central, 0x02014b50);
        put16(central, e.versionMadeBy);
        put16(central, zip64 ? 45 : 20);
        put16(central, e.flags);
        put16(central, e.claimedMethod.value_or(method));
        put16(central, 0);
        put16(central, 0x5821);
        put32(central, e.claimedCrc.value_or(crc));
        put32(central, zip64 ? kMax32 : quint32(csize));
        put32(central, zip64 ? kMax32 : quint32(size));
        put16(central, quint16(e.name.size()));
        put16(central, quint16(extra.size()));
        put16(central, 0); // comment
        put16(central, 0); // disk
        put16(central, 0); // internal attributes
        put32(central, e.externalAttr);
        put32(central, zip64 ? kMax32 : quint32(offset));
        central.append(e.name);
        central.append(extra);
    }
    const quint64 centralOffset = quint64(out.size());
    out.append(central);
    const quint64 count = quint64(m_entries.size());
    const bool zip64 = m_forceZip64 || count >= 0xFFFF || centralOffset >= kMax32;
    if (zip64) {
        const quint64 recordOffset = quint64(out.size());
        put32(out, 0x06064b50);
        put64(out, 44);
        put16(out, 45);
        put16(out, 45);
        put32(out, 0);
        put32(out, 0);
        put64(out, count);
        put64(out, count);
        put64(out, quint64(central.size()));
        put64(out, centralOffset);
        put32(out, 0x07064b50);
        put32(out, 0);
        put64(out, recordOffset);
        put32(out, 1);
    }
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, zip64 ? 0xFFFF : quint16(count));
    put16(out, zip64 ? 0xFFFF : quint16(count));
    put32(out, quint32(central.size()));
    put32(out, zip64 ? kMax32 : quint32(centralOffset));
    put16(out, 0);
    return out;
}

} // namespace edgedesk::test
