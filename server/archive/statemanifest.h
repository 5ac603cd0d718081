#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace edgedesk {

// manifest.json, the first thing an import reads: what the archive holds and the SHA-256 of
// every other entry, so that an import can prove the archive whole before it touches anything.
//   {"format": "edgedesk-state", "format_version": 1, "edgedesk_version": "0.1.0",
//    "created": "2024-05-01T12:00:00.000Z", "includes_secret_key": false,
//    "config": {"source": "builtin" | "file" | "data", "path": "..."},
//    "counts": {"kv_namespaces": 1, "kv_pairs": 3, "buckets": 1, "objects": 2,
//               "object_bytes": 1234, "durable_stores": 1, "durable_values": 1, "secrets": 1,
//               "entries": 9},
//    "entries": [{"name": "kv/MY_KV.sqlite", "size": 12288, "sha256": "..."}, ...]}
struct StateManifest
{
    static constexpr int kFormatVersion = 1;
    static QString fileName();   // "manifest.json"
    static QString formatName(); // "edgedesk-state"

    struct Entry
    {
        QString name;
        qint64 size = 0;
        QByteArray sha256; // lower-case hex
    };

    int formatVersion = kFormatVersion;
    QString edgedeskVersion;
    QDateTime created;
    bool includesSecretKey = false;
    QString configSource; // "builtin", "file" or "data"
    QString configPath;
    QJsonObject counts;
    QList<Entry> entries;

    QByteArray toJson() const;
    // Refuses (`unprocessable`) anything that is not a manifest this version can import.
    static Result<StateManifest> fromJson(const QByteArray &json);
};

} // namespace edgedesk
