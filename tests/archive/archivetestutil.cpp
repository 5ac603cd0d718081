#include "archivetestutil.h"

#include "rawzip.h"

#include "storage/secrets/secretstore.h"
#include "storage/durable/durablestore.h"
#include "testsupport.h"

#include <quazip/quazip.h>
#include <quazip/quazipfile.h>

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace edgedesk::test {

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray md5Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex();
}

QByteArray writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(data);
    return data;
}

QStringList folderListing(const QString &dir)
{
    QStringList lines;
    const QDir root(dir);
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info(path);
        const QString rel = root.relativeFilePath(path);
        if (info.isDir()) {
            lines.append(rel + QStringLiteral("/"));
            continue;
        }
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        lines.append(rel + QLatin1Char(' ') + QString::fromLatin1(sha256Hex(f.readAll())) +
                     QStringLiteral(" %1").arg(int(info.permissions()), 0, 16));
    }
    lines.sort();
    return lines;
}

static QList<ZipItem> readZipDevice(QIODevice *device)
{
    QList<ZipItem> items;
    QuaZip zip(device);
    if (!zip.open(QuaZip::mdUnzip))
        return items;
    for (bool more = zip.goToFirstFile(); more; more = zip.goToNextFile()) {
        QuaZipFile file(&zip);
        file.open(QIODevice::ReadOnly);
        items.append({file.getActualFileName(), file.readAll()});
        file.close();
    }
    zip.close();
    return items;
}

QList<ZipItem> readZip(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return readZipDevice(&file);
}

QList<ZipItem> readZip(const QByteArray &bytes)
{
    QByteArray copy = bytes;
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    return readZipDevice(&buffer);
}

QByteArray writeZip(const QList<ZipItem> &items)
{
    RawZip zip;
    for (const ZipItem &item : items)
        zip.add(item.name.toUtf8(), item.data);
    return zip.bytes();
}

int indexOf(const QList<ZipItem> &items, const QString &name)
{
    for (int i = 0; i < items.size(); ++i) {
        if (items[i].name == name)
            return i;
    }
    return -1;
}

void refreshManifest(QList<ZipItem> &items, const QJsonObject &overrides)
{
    const int at = indexOf(items, QStringLiteral("manifest.json"));
    QJsonObject manifest =
        at >= 0 ? QJsonDocument::fromJson(items[at].data).object() : QJsonObject();
    QJsonArray entries;
    for (const ZipItem &item : items) {
        if (item.name == QLatin1String("manifest.json"))
            continue;
        entries.append(
            QJsonObject{{QStringLiteral("name"), item.name},
                        {QStringLiteral("size"), double(item.data.size())},
                        {QStringLiteral("sha256"), QString::fromLatin1(sha256Hex(item.data))}});
    }
    manifest.insert(QStringLiteral("entries"), entries);
    for (auto it = overrides.constBegin(); it != overrides.constEnd(); ++it)
        manifest.insert(it.key(), it.value());
    const QByteArray json = QJsonDocument(manifest).toJson();
    if (at >= 0)
        items[at].data = json;
    else
        items.append({QStringLiteral("manifest.json"), json});
}

QByteArray sampleJpeg()
{
    QFile f(QStringLiteral(":/edgedesk/sample/pristine.jpg"));
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}

QByteArray tinyPng()
{
    return QByteArray::fromHex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                               "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db000"
                               "00000049454e44ae426082");
}

QList<HostileArchive> hostileArchives()
{
    QList<HostileArchive> list;
    const QByteArray jpeg = sampleJpeg().left(4096);
    auto single = [&](const QByteArray &name) { return RawZip().add(name, jpeg).bytes(); };

    list.append({QStringLiteral("zip-slip"), single("../evil.jpg"), QStringLiteral("'../evil.jpg'"),
                 QStringLiteral("zip slip")});
    list.append({QStringLiteral("nested-zip-slip"),
                 RawZip().add("ok.jpg", jpeg).add("photos/../../evil.jpg", jpeg).bytes(),
                 QStringLiteral("'photos/../../evil.jpg'"), QStringLiteral("zip slip")});
    list.append({QStringLiteral("backslash-zip-slip"), single("..\\evil.jpg"),
                 QStringLiteral("'..\\evil.jpg'"), QStringLiteral("zip slip")});
    list.append({QStringLiteral("absolute"), single("/etc/cron.d/evil"),
                 QStringLiteral("'/etc/cron.d/evil'"), QStringLiteral("absolute path")});
    list.append({QStringLiteral("drive-letter"), single("C:/evil.jpg"),
                 QStringLiteral("'C:/evil.jpg'"), QStringLiteral("absolute path")});

    RawZip::Entry link;
    link.name = "link.jpg";
    link.data = "/etc/passwd";
    link.externalAttr = 0120777u << 16;
    list.append({QStringLiteral("symlink"), RawZip().add(link).bytes(),
                 QStringLiteral("'link.jpg'"), QStringLiteral("symbolic link")});

    list.append({QStringLiteral("duplicate"),
                 RawZip().add("a.jpg", jpeg).add("b.jpg", jpeg).add("a.jpg", jpeg).bytes(),
                 QStringLiteral("'a.jpg'"), QStringLiteral("more than once")});
    list.append({QStringLiteral("nul-in-name"), single(QByteArray("ok.jpg\0/../x", 12)),
                 QStringLiteral("'ok.jpg\\x00/../x'"), QStringLiteral("NUL")});

    list.append({QStringLiteral("zip-bomb"),
                 RawZip().add("bomb.bin", QByteArray(20 * 1024 * 1024, '\0'), true).bytes(),
                 QStringLiteral("'bomb.bin'"), QStringLiteral("zip bomb")});

    RawZip::Entry huge;
    huge.name = "huge.bin";
    huge.data = QByteArray(1024, 'x');
    huge.claimedSize = 5ULL * 1024 * 1024 * 1024;
    huge.claimedCompressedSize = 100ULL * 1024 * 1024;
    huge.claimedMethod = 8;
    list.append({QStringLiteral("claims-5-GiB"), RawZip().add(huge).bytes(),
                 QStringLiteral("'huge.bin'"), QStringLiteral("4 GiB")});

    RawZip many;
    for (int i = 0; i < 100001; ++i)
        many.add(QByteArray::number(i, 36), QByteArray());
    list.append({QStringLiteral("100001-entries"), many.bytes(), QStringLiteral("100001 entries"),
                 QStringLiteral("at most 100000")});

    RawZip::Entry encrypted;
    encrypted.name = "secret.jpg";
    encrypted.data = jpeg;
    encrypted.flags = 0x0801;
    list.append({QStringLiteral("encrypted"), RawZip().add(encrypted).bytes(),
                 QStringLiteral("'secret.jpg'"), QStringLiteral("encrypted")});

    RawZip::Entry wrongCrc;
    wrongCrc.name = "damaged.jpg";
    wrongCrc.data = jpeg;
    QByteArray wrongCrcZip = RawZip().add("fine.jpg", jpeg).add(wrongCrc).bytes();
    // Flip one byte of damaged.jpg's data: the CRC recorded in both headers no longer matches.
    const qsizetype at = wrongCrcZip.indexOf("damaged.jpg") + 11 + 100;
    wrongCrcZip[at] = char(wrongCrcZip[at] ^ 0x55);
    list.append({QStringLiteral("wrong-checksum"), wrongCrcZip, QStringLiteral("'damaged.jpg'"),
                 QStringLiteral("CRC-32"), true});
    return list;
}

StateFixture StateFixture::make()
{
    StateFixture s;
    s.kv.insert(QStringLiteral("alpha"), "one");
    s.kv.insert(QStringLiteral("nested/key with spaces"), "two \xe2\x9c\x93");
    s.kv.insert(QStringLiteral("zeros"), QByteArray(3 * 1024 * 1024, '\0'));
    s.objects.insert(QStringLiteral("photos/cat.jpg"), {sampleJpeg(), "image/jpeg", "alice"});
    s.objects.insert(QStringLiteral("notes/readme.txt"),
                     {QByteArray("hello bucket\n").repeated(500), "text/plain", "bob"});
    s.objects.insert(QStringLiteral("tiny.png"), {tinyPng(), "image/png", QByteArray()});
    s.secrets.insert(QStringLiteral("API_TOKEN"), "s3cr3t-value");
    s.secrets.insert(QStringLiteral("DB_PASSWORD"), "hunter2");
    s.durable.insert(QStringLiteral("GoBackend/instance-1"),
                     QJsonObject{{QStringLiteral("lastRequestTimestamp"), 1714560000000.0},
                                 {QStringLiteral("visits"), 42}});
    s.durable.insert(QStringLiteral("LinuxCommandContainer/instance-0"),
                     QJsonObject{{QStringLiteral("lastRequestTimestamp"), 1714560001234.0}});
    return s;
}

QString writeDurable(const QString &dataDir, const StateFixture &state)
{
    for (auto it = state.durable.cbegin(); it != state.durable.cend(); ++it) {
        auto store = DurableStore::open(
            QDir(dataDir).filePath(QStringLiteral("durable/%1.sqlite").arg(it.key())));
        if (!store)
            return store.error().message;
        for (auto v = it.value().constBegin(); v != it.value().constEnd(); ++v) {
            if (auto st = (*store)->put(v.key(), v.value()); !st)
                return st.error().message;
        }
    }
    return QString();
}

static QByteArray encodedKey(const QString &key)
{
    return QUrl::toPercentEncoding(key, "/");
}

QString fillOverHttp(quint16 port, const StateFixture &state)
{
    for (auto it = state.kv.cbegin(); it != state.kv.cend(); ++it) {
        const HttpReply r =
            request(port, "PUT", "/__edgedesk/v1/kv/MY_KV/keys/" + encodedKey(it.key()),
                    {{"Content-Type", "application/octet-stream"}}, it.value());
        if (r.status != 200)
            return QStringLiteral("PUT kv %1: %2 %3")
                .arg(it.key())
                .arg(r.status)
                .arg(QString::fromUtf8(r.body));
    }
    for (auto it = state.objects.cbegin(); it != state.objects.cend(); ++it) {
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", it->contentType}};
        if (!it->owner.isEmpty())
            headers.append({"X-EdgeDesk-Meta-Owner", it->owner});
        const HttpReply r =
            request(port, "PUT", "/__edgedesk/v1/r2/PUBLIC/objects/" + encodedKey(it.key()),
                    headers, it->bytes);
        if (r.status != 200)
            return QStringLiteral("PUT object %1: %2 %3")
                .arg(it.key())
                .arg(r.status)
                .arg(QString::fromUtf8(r.body));
    }
    for (auto it = state.secrets.cbegin(); it != state.secrets.cend(); ++it) {
        const HttpReply r =
            request(port, "PUT", "/__edgedesk/v1/secrets/" + it.key().toUtf8(), {}, it.value());
        if (r.status != 200)
            return QStringLiteral("PUT secret %1: %2 %3")
                .arg(it.key())
                .arg(r.status)
                .arg(QString::fromUtf8(r.body));
    }
    return QString();
}

QString checkOverHttp(quint16 port, const StateFixture &state)
{
    for (auto it = state.kv.cbegin(); it != state.kv.cend(); ++it) {
        const HttpReply r =
            request(port, "GET", "/__edgedesk/v1/kv/MY_KV/keys/" + encodedKey(it.key()));
        if (r.status != 200 || r.body != it.value())
            return QStringLiteral("kv %1: status %2, %3 bytes")
                .arg(it.key())
                .arg(r.status)
                .arg(r.body.size());
    }
    const HttpReply list = request(port, "GET", "/__edgedesk/v1/r2/PUBLIC/objects");
    QStringList keys;
    for (const QJsonValue &o : list.json().value(QStringLiteral("objects")).toArray())
        keys.append(o.toObject().value(QStringLiteral("key")).toString());
    QStringList expectedKeys = state.objects.keys();
    expectedKeys.append(QStringLiteral("pristine.jpg"));
    expectedKeys.sort();
    if (keys != expectedKeys)
        return QStringLiteral("bucket keys: %1").arg(keys.join(QStringLiteral(", ")));
    for (auto it = state.objects.cbegin(); it != state.objects.cend(); ++it) {
        const HttpReply r =
            request(port, "GET", "/__edgedesk/v1/r2/PUBLIC/objects/" + encodedKey(it.key()));
        if (r.status != 200 || r.body != it->bytes)
            return QStringLiteral("object %1: status %2").arg(it.key()).arg(r.status);
        if (r.header("etag") != '"' + md5Hex(it->bytes) + '"')
            return QStringLiteral("object %1: etag %2")
                .arg(it.key(), QString::fromLatin1(r.header("etag")));
        if (r.header("content-type") != it->contentType)
            return QStringLiteral("object %1: type %2")
                .arg(it.key(), QString::fromLatin1(r.header("content-type")));
        if (r.header("x-edgedesk-meta-owner") != it->owner)
            return QStringLiteral("object %1: owner %2")
                .arg(it.key(), QString::fromLatin1(r.header("x-edgedesk-meta-owner")));
    }
    const HttpReply secrets = request(port, "GET", "/__edgedesk/v1/secrets");
    QStringList names;
    for (const QJsonValue &s : secrets.json().value(QStringLiteral("secrets")).toArray())
        names.append(s.toObject().value(QStringLiteral("name")).toString());
    if (names != state.secrets.keys())
        return QStringLiteral("secrets: %1 %2")
            .arg(secrets.status)
            .arg(QString::fromUtf8(secrets.body));
    const HttpReply containers = request(port, "GET", "/__edgedesk/v1/containers");
    QMap<QString, QJsonObject> durable;
    for (const QJsonValue &c : containers.json().value(QStringLiteral("classes")).toArray()) {
        const QJsonObject cls = c.toObject();
        for (const QJsonValue &i : cls.value(QStringLiteral("instances")).toArray()) {
            const QJsonObject storage = i.toObject().value(QStringLiteral("storage")).toObject();
            if (!storage.isEmpty())
                durable.insert(cls.value(QStringLiteral("class_name")).toString() +
                                   QLatin1Char('/') +
                                   i.toObject().value(QStringLiteral("id")).toString(),
                               storage);
        }
    }
    if (durable != state.durable)
        return QStringLiteral("durable storage over HTTP: %1")
            .arg(QString::fromUtf8(containers.body.left(2000)));
    return QString();
}

QString checkOnDisk(const QString &dataDir, const StateFixture &state)
{
    auto store = SecretStore::open(QDir(dataDir).filePath(QStringLiteral("secrets")));
    if (!store)
        return store.error().message;
    for (auto it = state.secrets.cbegin(); it != state.secrets.cend(); ++it) {
        auto value = (*store)->get(it.key());
        if (!value || *value != it.value())
            return QStringLiteral("secret %1 differs").arg(it.key());
    }
    for (auto it = state.durable.cbegin(); it != state.durable.cend(); ++it) {
        auto durable = DurableStore::open(
            QDir(dataDir).filePath(QStringLiteral("durable/%1.sqlite").arg(it.key())));
        if (!durable)
            return durable.error().message;
        if ((*durable)->snapshot() != it.value())
            return QStringLiteral("durable %1 differs").arg(it.key());
    }
    return QString();
}

} // namespace edgedesk::test
