#include "storage/storagekey.h"

namespace edgedesk {

std::optional<Error> checkStorageKey(const QString &key, qsizetype maxBytes)
{
    const QByteArray utf8 = key.toUtf8();
    if (utf8.isEmpty())
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("the key must not be empty"));
    if (utf8.size() > maxBytes)
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("the key is %1 bytes; keys are at most %2 bytes")
                             .arg(utf8.size())
                             .arg(maxBytes));
    if (utf8.contains('\0'))
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("the key must not contain NUL bytes"));
    return std::nullopt;
}

} // namespace edgedesk
