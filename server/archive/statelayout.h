#pragma once

#include <QString>
#include <QStringList>

namespace edgedesk {

// Which files of a data folder are "the state", and under which names they travel in a state
// archive (the same relative paths, plus the configuration and the manifest):
//   config/edgedesk.jsonc                     the configuration in use when exporting
//   kv/<BINDING>.sqlite                       KV namespaces
//   durable/<ClassName>/<instance>.sqlite     container durable storage
//   r2/<BINDING>/meta.sqlite                  bucket metadata
//   r2/<BINDING>/objects/...                  bucket object files (named by meta.sqlite)
//   secrets/secrets.sqlite                    the encrypted secrets store
//   secrets/secrets.key                       its key, only when asked for
// Everything else in the data folder (logs/, the lock, edgedesk.jsonc unless the archive brings
// one) is not state: an import keeps it.
class StateLayout final
{
public:
    StateLayout() = delete;

    enum class Kind
    {
        None,
        Manifest,
        Config,
        Kv,
        Durable,
        BucketMeta,
        BucketObject,
        SecretsStore,
        SecretsKey
    };

    static Kind kindOf(const QString &archiveName);
    // A folder or file name EdgeDesk itself would make: letters, digits, '_', '-', '.', not
    // starting with '.'.
    static bool isPlainName(const QString &name);
    // A bucket's `file` column: "objects/" and plain names.
    static bool isObjectPath(const QString &relative);

    static QString configEntry();    // "config/edgedesk.jsonc"
    static QString dataConfigName(); // "edgedesk.jsonc", the configuration kept in the folder
    static QString secretsStoreEntry();
    static QString secretsKeyEntry();
    // The folders an import replaces as a whole.
    static QStringList stateFolders();
};

} // namespace edgedesk
