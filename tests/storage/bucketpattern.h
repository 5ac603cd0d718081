#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QRandomGenerator>

// Deterministic object contents shared by the crash tests and their helper program: chunk i of
// the object with seed s is the same bytes in both processes.
namespace bucketpattern {

constexpr qint64 kChunkBytes = 1 << 20;

inline QByteArray chunk(quint32 seed, int index)
{
    QRandomGenerator generator(seed * 100003u + quint32(index));
    QByteArray bytes(kChunkBytes, Qt::Uninitialized);
    generator.fillRange(reinterpret_cast<quint32 *>(bytes.data()), kChunkBytes / 4);
    return bytes;
}

inline QByteArray md5Hex(quint32 seed, int chunks)
{
    QCryptographicHash hash(QCryptographicHash::Md5);
    for (int i = 0; i < chunks; ++i)
        hash.addData(chunk(seed, i));
    return hash.result().toHex();
}

} // namespace bucketpattern
