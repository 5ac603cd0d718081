#include "storage/secrets/secretstore.h"

#include "storage/durablefiles.h"

#include "storage/secrets/secretlog.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

namespace edgedesk {

namespace {

constexpr int kMaxNameLength = 255;
const QByteArray kVerifyPlaintext = QByteArrayLiteral("edgedesk secrets store v1");

const char *const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS secrets(
    name TEXT PRIMARY KEY NOT NULL,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta(
    name TEXT PRIMARY KEY NOT NULL,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL
) WITHOUT ROWID;
)sql";

const char *const kSelectVerify = "SELECT nonce, ciphertext FROM meta WHERE name = 'verify'";
const char *const kInsertVerify =
    "INSERT INTO meta(name, nonce, ciphertext) VALUES('verify', ?1, ?2)";
const char *const kTables =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('secrets', 'meta')";
const char *const kAnySecret = "SELECT name, nonce, ciphertext FROM secrets LIMIT 1";
const char *const kSelectSecret = "SELECT nonce, ciphertext FROM secrets WHERE name = ?1";
const char *const kUpsertSecret =
    "INSERT INTO secrets(name, nonce, ciphertext, created_ms, updated_ms) "
    "VALUES(?1, ?2, ?3, ?4, ?4) ON CONFLICT(name) DO UPDATE SET nonce = excluded.nonce, "
    "ciphertext = excluded.ciphertext, updated_ms = excluded.updated_ms";
const char *const kDeleteSecret = "DELETE FROM secrets WHERE name = ?1";
const char *const kListSecrets = "SELECT name, created_ms, updated_ms FROM secrets ORDER BY name";

Error storageError(const QString &message)
{
    return makeError(QStringLiteral("storage_error"), message);
}

// What an existing store file holds, read through a read-only connection so that a store the
// key does not open is never written to.
struct StoreState
{
    bool hasVerify = false;
    QByteArray verifyNonce;
    QByteArray verifyCiphertext;
    bool hasSecret = false;
    QString secretName;
    QByteArray secretNonce;
    QByteArray secretCiphertext;
};

Result<StoreState> readStoreState(const QString &path)
{
    auto db = SqliteDb::open(path, SqliteDb::Mode::ReadOnly);
    if (!db)
        return db.error();
    StoreState state;
    auto tables = db->prepare(kTables);
    if (!tables)
        return tables.error();
    const bool schema = (*tables)->next() && (*tables)->int64(0) == 2;
    (*tables)->reset();
    if (!schema)
        return state; // an empty file: nothing to protect
    auto verify = db->prepare(kSelectVerify);
    if (!verify)
        return verify.error();
    if ((*verify)->next()) {
        state.hasVerify = true;
        state.verifyNonce = (*verify)->blob(0);
        state.verifyCiphertext = (*verify)->blob(1);
    }
    (*verify)->reset();
    auto any = db->prepare(kAnySecret);
    if (!any)
        return any.error();
    if ((*any)->next()) {
        state.hasSecret = true;
        state.secretName = (*any)->text(0);
        state.secretNonce = (*any)->blob(1);
        state.secretCiphertext = (*any)->blob(2);
    }
    (*any)->reset();
    return state;
}

// A read-only connection to a WAL database leaves an empty -wal and a -shm behind (it may not
// checkpoint and delete them). When they were not there before, remove them again, so that a
// refused open leaves the folder exactly as it found it.
Result<StoreState> inspectStore(const QString &path)
{
    const QString wal = path + QStringLiteral("-wal");
    const QString shm = path + QStringLiteral("-shm");
    const bool hadWal = QFileInfo::exists(wal);
    const bool hadShm = QFileInfo::exists(shm);
    auto state = readStoreState(path);
    if (!hadWal && !hadShm && QFileInfo(wal).size() == 0) {
        QFile::remove(wal);
        QFile::remove(shm);
    }
    return state;
}

QByteArray sealedPlaintext(const QString &name, const QByteArray &value)
{
    QByteArray plain = name.toUtf8();
    plain.append('\0');
    plain.append(value);
    return plain;
}

} // namespace

// The key in libsodium's guarded memory: locked out of swap, wiped and unmapped when freed.
class SecretStore::Key final
{
public:
    Key() : m_bytes(static_cast<unsigned char *>(sodium_malloc(crypto_secretbox_KEYBYTES))) {}
    ~Key()
    {
        if (m_bytes)
            sodium_free(m_bytes);
    }
    Key(const Key &) = delete;
    Key &operator=(const Key &) = delete;

    bool isValid() const { return m_bytes != nullptr; }
    unsigned char *data() { return m_bytes; }
    const unsigned char *data() const { return m_bytes; }

    void seal(const QByteArray &plain, QByteArray *nonce, QByteArray *ciphertext) const
    {
        nonce->resize(crypto_secretbox_NONCEBYTES);
        randombytes_buf(nonce->data(), size_t(nonce->size()));
        ciphertext->resize(plain.size() + crypto_secretbox_MACBYTES);
        crypto_secretbox_easy(reinterpret_cast<unsigned char *>(ciphertext->data()),
                              reinterpret_cast<const unsigned char *>(plain.constData()),
                              quint64(plain.size()),
                              reinterpret_cast<const unsigned char *>(nonce->constData()), m_bytes);
    }

    std::optional<QByteArray> open(const QByteArray &nonce, const QByteArray &ciphertext) const
    {
        if (nonce.size() != crypto_secretbox_NONCEBYTES ||
            ciphertext.size() < qsizetype(crypto_secretbox_MACBYTES))
            return std::nullopt;
        QByteArray plain(ciphertext.size() - crypto_secretbox_MACBYTES, Qt::Uninitialized);
        if (crypto_secretbox_open_easy(
                reinterpret_cast<unsigned char *>(plain.data()),
                reinterpret_cast<const unsigned char *>(ciphertext.constData()),
                quint64(ciphertext.size()),
                reinterpret_cast<const unsigned char *>(nonce.constData()), m_bytes) != 0)
            return std::nullopt;
        return plain;
    }

private:
    unsigned char *m_bytes;
};

SecretStore::SecretStore(QString folder, std::unique_ptr<Key> key, SqliteDb db)
    : m_folder(std::move(folder)), m_key(std::move(key)), m_db(std::move(db))
{}

SecretStore::~SecretStore() = default;

Result<std::unique_ptr<SecretStore>> SecretStore::open(const QString &folderPath)
{
    if (sodium_init() < 0)
        return storageError(QStringLiteral("libsodium cannot be initialised"));
    const QString folder = QDir(folderPath).absolutePath();
    if (!QDir().mkpath(folder))
        return storageError(QStringLiteral("cannot create the secrets folder %1").arg(folder));
    const QString keyPath = folder + QStringLiteral("/secrets.key");
    const QString dbPath = folder + QStringLiteral("/secrets.sqlite");

    StoreState state;
    if (QFileInfo(dbPath).size() > 0) {
        auto inspected = inspectStore(dbPath);
        if (!inspected)
            return storageError(
                QStringLiteral("secrets.sqlite cannot be read: %1").arg(inspected.error().message));
        state = *inspected;
    }
    const bool storeHasEntries = state.hasVerify || state.hasSecret;

    auto key = std::make_unique<Key>();
    if (!key->isValid())
        return storageError(QStringLiteral("cannot allocate protected memory for the key"));
    const QByteArray keyPathBytes = QFile::encodeName(keyPath);
    struct stat st = {};
    if (::stat(keyPathBytes.constData(), &st) != 0) {
        if (errno != ENOENT)
            return storageError(
                QStringLiteral("secrets.key cannot be examined: %1").arg(strerror(errno)));
        if (storeHasEntries)
            return storageError(QStringLiteral("secrets.key is missing but secrets.sqlite holds "
                                               "secrets: restore the key file; the store was left "
                                               "untouched"));
        // O_EXCL: an existing key file is never overwritten, even by a racing second start.
        const int fd = ::open(keyPathBytes.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                              S_IRUSR | S_IWUSR);
        if (fd < 0)
            return storageError(
                QStringLiteral("cannot create secrets.key: %1").arg(strerror(errno)));
        randombytes_buf(key->data(), crypto_secretbox_KEYBYTES);
        const bool written =
            ::write(fd, key->data(), crypto_secretbox_KEYBYTES) == crypto_secretbox_KEYBYTES &&
            ::fsync(fd) == 0;
        ::close(fd);
        if (!written) {
            ::unlink(keyPathBytes.constData());
            return storageError(QStringLiteral("cannot write secrets.key"));
        }
        fsyncDirectory(folder);
        qCInfo(lcSecrets) << "created a new key" << keyPath;
    } else {
        if (!S_ISREG(st.st_mode))
            return storageError(QStringLiteral("secrets.key is not a regular file"));
        if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
            return storageError(QStringLiteral("secrets.key must be accessible by its owner "
                                               "only (mode 0600); it is %1")
                                    .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0')));
        if (st.st_size != crypto_secretbox_KEYBYTES)
            return storageError(
                QStringLiteral("secrets.key must hold exactly %1 bytes; it holds %2")
                    .arg(crypto_secretbox_KEYBYTES)
                    .arg(st.st_size));
        const int fd = ::open(keyPathBytes.constData(), O_RDONLY | O_CLOEXEC);
        const bool read = fd >= 0 && ::read(fd, key->data(), crypto_secretbox_KEYBYTES) ==
                                         crypto_secretbox_KEYBYTES;
        if (fd >= 0)
            ::close(fd);
        if (!read)
            return storageError(QStringLiteral("secrets.key cannot be read"));
    }

    const Error wrongKey =
        storageError(QStringLiteral("secrets.key does not open secrets.sqlite: wrong key file; "
                                    "the store was left untouched"));
    if (state.hasVerify) {
        const auto plain = key->open(state.verifyNonce, state.verifyCiphertext);
        if (!plain || *plain != kVerifyPlaintext)
            return wrongKey;
    } else if (state.hasSecret) {
        const auto plain = key->open(state.secretNonce, state.secretCiphertext);
        if (!plain || !plain->startsWith(QByteArray(state.secretName.toUtf8()).append('\0')))
            return wrongKey;
    }

    auto db = SqliteDb::open(dbPath);
    if (!db)
        return db.error();
    ::chmod(QFile::encodeName(dbPath).constData(), S_IRUSR | S_IWUSR);
    if (auto schema = db->exec(kSchema); !schema)
        return schema.error();
    if (!state.hasVerify) {
        QByteArray nonce;
        QByteArray ciphertext;
        key->seal(kVerifyPlaintext, &nonce, &ciphertext);
        auto insert = db->prepare(kInsertVerify);
        if (!insert)
            return insert.error();
        (*insert)->bind(1, nonce).bind(2, ciphertext);
        if (!(*insert)->run())
            return storageError((*insert)->error());
    }
    return std::unique_ptr<SecretStore>(new SecretStore(folder, std::move(key), std::move(*db)));
}

Status SecretStore::validateName(const QString &name)
{
    bool ok = !name.isEmpty() && name.size() <= kMaxNameLength;
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        if (!((u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') ||
              u == u'_'))
            ok = false;
    }
    if (!ok)
        return makeError(QStringLiteral("bad_request"),
                         QStringLiteral("secret names must be 1..%1 characters of A-Z, a-z, 0-9 "
                                        "and _")
                             .arg(kMaxNameLength));
    return Ok{};
}

Result<QByteArray> SecretStore::get(const QString &name)
{
    if (auto st = validateName(name); !st)
        return st.error();
    QByteArray nonce;
    QByteArray ciphertext;
    {
        QMutexLocker lock(&m_mutex);
        auto select = m_db.prepare(kSelectSecret);
        if (!select)
            return select.error();
        (*select)->bind(1, name);
        if (!(*select)->next()) {
            if (!(*select)->error().isEmpty())
                return storageError((*select)->error());
            return makeError(QStringLiteral("not_found"),
                             QStringLiteral("no secret named '%1'").arg(name));
        }
        nonce = (*select)->blob(0);
        ciphertext = (*select)->blob(1);
        (*select)->reset();
    }
    auto plain = m_key->open(nonce, ciphertext);
    const QByteArray prefix = name.toUtf8() + '\0';
    if (!plain || !plain->startsWith(prefix)) {
        qCWarning(lcSecrets) << "secret" << name << "does not decrypt";
        return storageError(QStringLiteral("secret '%1' cannot be decrypted").arg(name));
    }
    QByteArray value = plain->mid(prefix.size());
    sodium_memzero(plain->data(), size_t(plain->size()));
    return value;
}

Status SecretStore::put(const QString &name, const QByteArray &value)
{
    if (auto st = validateName(name); !st)
        return st;
    if (value.size() > kMaxValueBytes)
        return makeError(
            QStringLiteral("payload_too_large"),
            QStringLiteral("secret values are limited to %1 bytes").arg(kMaxValueBytes));
    QByteArray plain = sealedPlaintext(name, value);
    QByteArray nonce;
    QByteArray ciphertext;
    m_key->seal(plain, &nonce, &ciphertext);
    sodium_memzero(plain.data(), size_t(plain.size()));

    QMutexLocker lock(&m_mutex);
    auto upsert = m_db.prepare(kUpsertSecret);
    if (!upsert)
        return upsert.error();
    (*upsert)
        ->bind(1, name)
        .bind(2, nonce)
        .bind(3, ciphertext)
        .bind(4, QDateTime::currentMSecsSinceEpoch());
    if (!(*upsert)->run())
        return storageError((*upsert)->error());
    return Ok{};
}

Result<bool> SecretStore::remove(const QString &name)
{
    if (auto st = validateName(name); !st)
        return st.error();
    QMutexLocker lock(&m_mutex);
    auto del = m_db.prepare(kDeleteSecret);
    if (!del)
        return del.error();
    (*del)->bind(1, name);
    if (!(*del)->run())
        return storageError((*del)->error());
    return m_db.changes() > 0;
}

Result<QList<SecretInfo>> SecretStore::list()
{
    QMutexLocker lock(&m_mutex);
    auto select = m_db.prepare(kListSecrets);
    if (!select)
        return select.error();
    QList<SecretInfo> secrets;
    while ((*select)->next())
        secrets.append(SecretInfo{(*select)->text(0), (*select)->int64(1), (*select)->int64(2)});
    if (!(*select)->error().isEmpty())
        return storageError((*select)->error());
    return secrets;
}

} // namespace edgedesk
