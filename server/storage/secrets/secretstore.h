#pragma once

#include "util/result.h"
#include "storage/sqlitedb.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QString>

#include <memory>

namespace edgedesk {

struct SecretInfo
{
    QString name;
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
};

// The secrets store: values encrypted at rest with libsodium's secretbox (XSalsa20-Poly1305, a
// fresh random nonce for every write) under a 32-byte key kept beside the store:
//   <folder>/secrets.key     the raw key, mode 0600, created once and never overwritten
//   <folder>/secrets.sqlite  name, nonce, ciphertext, created, updated; plaintext never
// Each ciphertext also seals its own name, so rows cannot be swapped between names. A
// verification record sealed with the key proves at open() that the key file belongs to the
// store; any mismatch (wrong key, missing key with secrets present, a key of the wrong size or
// readable by others) is a `storage_error` and leaves both files exactly as they were.
//
// Thread-safety: every method may be called from any thread; one mutex guards the connection.
class SecretStore final
{
public:
    static constexpr qsizetype kMaxValueBytes = 64 * 1024;

    static Result<std::unique_ptr<SecretStore>> open(const QString &folder);
    ~SecretStore();
    SecretStore(const SecretStore &) = delete;
    SecretStore &operator=(const SecretStore &) = delete;

    QString folder() const { return m_folder; }

    // Names: [A-Za-z0-9_]{1,255}, else `bad_request`.
    static Status validateName(const QString &name);

    // `not_found` when there is no such secret.
    Result<QByteArray> get(const QString &name);
    // Creates or replaces. Values up to 64 KiB, else `payload_too_large`.
    Status put(const QString &name, const QByteArray &value);
    // True when a secret was removed, false when there was none.
    Result<bool> remove(const QString &name);
    // Sorted by name; values are never listed.
    Result<QList<SecretInfo>> list();

private:
    class Key;
    SecretStore(QString folder, std::unique_ptr<Key> key, SqliteDb db);

    QString m_folder;
    std::unique_ptr<Key> m_key;
    QMutex m_mutex;
    SqliteDb m_db;
};

} // namespace edgedesk
