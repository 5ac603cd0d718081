#include "bindings/assets/builtinassetstore.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>

namespace edgedesk {

BuiltinAssetStore::BuiltinAssetStore(const QString &root)
{
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString name = it.next();
        QFile f(name);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        File file;
        file.bytes = f.readAll();
        file.etag =
            '"' + QCryptographicHash::hash(file.bytes, QCryptographicHash::Sha1).toHex().left(20) +
            '"';
        m_files.insert(name.mid(root.size()), file);
    }
}

bool BuiltinAssetStore::exists(const QString &path) const
{
    return m_files.contains(path);
}

QByteArray BuiltinAssetStore::version(const QString &path) const
{
    const auto it = m_files.constFind(path);
    return it == m_files.cend() ? QByteArray() : it->etag;
}

std::optional<AssetBody> BuiltinAssetStore::open(const QString &path) const
{
    const auto it = m_files.constFind(path);
    if (it == m_files.cend())
        return std::nullopt;
    const QByteArray bytes = it->bytes; // shared, not copied
    return AssetBody{bytes.size(), it->etag,
                     [bytes](qint64 offset, qint64 count) -> std::optional<QByteArray> {
                         return bytes.mid(offset, count);
                     }};
}

} // namespace edgedesk
