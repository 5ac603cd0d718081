#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace edgedesk::test {

// Every file and folder under `dir` (hidden ones too) with the SHA-256 of each file, one line
// each, sorted: two listings are equal exactly when the trees are.
QStringList folderListing(const QString &dir);

// The entries of a zip, in order, read with QuaZip.
struct ZipItem
{
    QString name;
    QByteArray data;
};
QList<ZipItem> readZip(const QString &path);
QList<ZipItem> readZip(const QByteArray &bytes);
// Stored entries, written by hand (RawZip).
QByteArray writeZip(const QList<ZipItem> &items);
// Replaces manifest.json's entry list with the names, sizes and SHA-256 of `items` (all but the
// manifest), keeping its other fields; `edit` may change the manifest object afterwards.
void refreshManifest(QList<ZipItem> &items, const QJsonObject &overrides = QJsonObject());
int indexOf(const QList<ZipItem> &items, const QString &name);

// Archives every archive reader must refuse before unpacking anything, and what the refusal
// must say: the entry's name (or the count) and the rule.
struct HostileArchive
{
    QString tag;
    QByteArray bytes;
    QString mentions; // the entry (quoted as messages quote it) or the number that broke a rule
    QString rule;     // a phrase of the reason
    bool foundWhenRead = false; // a wrong CRC shows only when the entry is decompressed
};
QList<HostileArchive> hostileArchives();

// A small valid JPEG (the sample image) and a 1x1 PNG.
QByteArray sampleJpeg();
QByteArray tinyPng();
QByteArray sha256Hex(const QByteArray &data);
QByteArray md5Hex(const QByteArray &data);
QByteArray writeFile(const QString &path, const QByteArray &data);

// A state worth backing up: KV pairs (one of them 3 MiB of zeros, which deflates far past the
// 200:1 an import accepts), objects with metadata, secrets, durable values.
struct StateFixture
{
    QMap<QString, QByteArray> kv;
    struct Object
    {
        QByteArray bytes;
        QByteArray contentType;
        QByteArray owner; // custom metadata "owner"
    };
    QMap<QString, Object> objects;
    QMap<QString, QByteArray> secrets;
    QMap<QString, QJsonObject> durable; // "<Class>/<instance>" → its values

    static StateFixture make();
};
// Writes the durable values straight into the data folder (before a server opens them).
QString writeDurable(const QString &dataDir, const StateFixture &state);
// PUTs the KV pairs, objects and secrets through the control API. Empty when it worked, else
// what failed.
QString fillOverHttp(quint16 port, const StateFixture &state);
// Reads everything back over HTTP: KV values, object bytes, etags, types and metadata (and
// that the bucket holds nothing else but the seeded sample), secret names, durable values
// (GET /__edgedesk/v1/containers). Empty when all matches.
QString checkOverHttp(quint16 port, const StateFixture &state);
// Secret values and durable values from the files (no server running).
QString checkOnDisk(const QString &dataDir, const StateFixture &state);

} // namespace edgedesk::test
