// State export and import in process: a round trip while the server serves, what an import
// keeps and replaces, the secrets key cases, and every refusal leaving the folder untouched.
#include "archive/datafolderlock.h"
#include "archive/stateexporter.h"
#include "archive/stateimporter.h"
#include "edgedesk/version.h"
#include "archivetestutil.h"
#include "storage/secrets/secretstore.h"
#include "rawzip.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

QString exportTo(const QString &dataDir, const QString &archive, bool withKey = false,
                 const QString &configPath = QString(), StateExportSummary *summary = nullptr)
{
    StateExportOptions options;
    options.dataDir = dataDir;
    options.archivePath = archive;
    options.includeSecretKey = withKey;
    options.configPath = configPath;
    auto result = StateExporter::exportState(options);
    if (!result)
        return result.error().message;
    if (summary)
        *summary = *result;
    return QString();
}

Result<StateImportSummary> importFrom(const QString &archive, const QString &dataDir)
{
    StateImportOptions options;
    options.archivePath = archive;
    options.dataDir = dataDir;
    return StateImporter::importState(options);
}

// Siblings of the data folder an import may leave behind if it cleaned up badly.
QStringList leftovers(const QString &dataDir)
{
    const QFileInfo info(dataDir);
    return QDir(info.absolutePath())
        .entryList({QLatin1Char('.') + info.fileName() + QStringLiteral(".importing-*"),
                    info.fileName() + QStringLiteral(".previous")},
                   QDir::AllEntries | QDir::Hidden);
}

} // namespace

class TestStateImport final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_root;
    QString m_good;     // a state archive exported from a filled server
    QString m_goodData; // the folder it was exported from (server stopped)
    StateFixture m_state = StateFixture::make();

    QString freshFolder(const QString &name) const { return m_root.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid());
        m_goodData = freshFolder(QStringLiteral("source"));
        QVERIFY(writeDurable(m_goodData, m_state).isEmpty());
        ServerOptions options;
        options.dataDir = m_goodData;
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        const QString filled = fillOverHttp(server.port(), m_state);
        QVERIFY2(filled.isEmpty(), qPrintable(filled));
        // Exported while the server serves (and holds the folder's lock).
        m_good = m_root.filePath(QStringLiteral("good.zip"));
        StateExportSummary summary;
        const QString error = exportTo(m_goodData, m_good, false, QString(), &summary);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(summary.warnings.isEmpty());
        const QJsonObject c = summary.manifest.counts;
        QCOMPARE(c.value(QStringLiteral("kv_pairs")).toInt(), m_state.kv.size() + 1); // +demo-key
        QCOMPARE(c.value(QStringLiteral("objects")).toInt(), m_state.objects.size() + 1);
        QCOMPARE(c.value(QStringLiteral("secrets")).toInt(), m_state.secrets.size());
        QCOMPARE(c.value(QStringLiteral("durable_values")).toInt(), 3);
        QCOMPARE(summary.manifest.configSource, QStringLiteral("builtin"));
        QVERIFY(!summary.manifest.includesSecretKey);
        QCOMPARE(QFileInfo(m_good).permissions(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                      QFileDevice::ReadUser |
                                                      QFileDevice::WriteUser);
    }

    void archiveLayout()
    {
        const QList<ZipItem> items = readZip(m_good);
        QStringList names;
        for (const ZipItem &i : items)
            names.append(i.name);
        QVERIFY(names.contains(QStringLiteral("manifest.json")));
        QVERIFY(names.contains(QStringLiteral("config/edgedesk.jsonc")));
        QVERIFY(names.contains(QStringLiteral("kv/MY_KV.sqlite")));
        QVERIFY(names.contains(QStringLiteral("r2/PUBLIC/meta.sqlite")));
        QVERIFY(names.contains(QStringLiteral("secrets/secrets.sqlite")));
        QVERIFY(names.contains(QStringLiteral("durable/GoBackend/instance-1.sqlite")));
        QVERIFY(!names.contains(QStringLiteral("secrets/secrets.key")));
        QCOMPARE(names.filter(QStringLiteral("r2/PUBLIC/objects/")).size(),
                 m_state.objects.size() + 1);
        QCOMPARE(names.filter(QStringLiteral("logs/")).size(), 0);
        // The manifest lists every other entry with its size and SHA-256.
        const QJsonObject manifest =
            QJsonDocument::fromJson(items[indexOf(items, QStringLiteral("manifest.json"))].data)
                .object();
        QCOMPARE(manifest.value(QStringLiteral("format")).toString(),
                 QStringLiteral("edgedesk-state"));
        QCOMPARE(manifest.value(QStringLiteral("format_version")).toInt(), 1);
        QCOMPARE(manifest.value(QStringLiteral("edgedesk_version")).toString(),
                 QStringLiteral(EDGEDESK_VERSION));
        const QJsonArray entries = manifest.value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), items.size() - 1);
        for (const QJsonValue &v : entries) {
            const QJsonObject e = v.toObject();
            const ZipItem &item = items[indexOf(items, e.value(QStringLiteral("name")).toString())];
            QCOMPARE(e.value(QStringLiteral("size")).toInteger(), qint64(item.data.size()));
            QCOMPARE(e.value(QStringLiteral("sha256")).toString().toLatin1(), sha256Hex(item.data));
        }
    }

    void roundTripIntoAWipedFolder()
    {
        // Same folder, wiped, but with its key put back: the archive has no key.
        const QString data = freshFolder(QStringLiteral("wiped"));
        QDir().mkpath(data + QStringLiteral("/secrets"));
        QVERIFY(QFile::copy(m_goodData + QStringLiteral("/secrets/secrets.key"),
                            data + QStringLiteral("/secrets/secrets.key")));
        auto imported = importFrom(m_good, data);
        QVERIFY2(imported.ok(), qPrintable(imported ? QString() : imported.error().message));
        QVERIFY2(imported->notes.isEmpty(), qPrintable(imported->notes.join(u'\n')));
        QVERIFY(leftovers(data).isEmpty());
        QCOMPARE(QFileInfo(data + QStringLiteral("/secrets/secrets.key")).permissions(),
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadUser |
                     QFileDevice::WriteUser);
        {
            ServerOptions options;
            options.dataDir = data;
            TestServer server(options);
            QVERIFY2(server.start(), qPrintable(server.lastError()));
            const QString mismatch = checkOverHttp(server.port(), m_state);
            QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
        }
        const QString onDisk = checkOnDisk(data, m_state);
        QVERIFY2(onDisk.isEmpty(), qPrintable(onDisk));
    }

    void exportIsConsistentWhileObjectsChange()
    {
        // Objects are overwritten as fast as possible while the export runs: every object in the
        // archive must be one whole version, its bytes matching its etag.
        const QString data = freshFolder(QStringLiteral("churning"));
        ServerOptions options;
        options.dataDir = data;
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        const quint16 port = server.port();
        for (int k = 0; k < 8; ++k)
            QCOMPARE(request(port, "PUT",
                             "/__edgedesk/v1/r2/PUBLIC/objects/churn/" + QByteArray::number(k),
                             {{"Content-Type", "application/octet-stream"}},
                             QByteArray(200000, char('a' + k)))
                         .status,
                     200);
        std::atomic<bool> stop{false};
        std::atomic<int> writes{0};
        std::thread writer([&] {
            for (int i = 0; !stop; ++i) {
                const QByteArray body = QByteArray::number(i).repeated(50000 + i % 7);
                const HttpReply r =
                    request(port, "PUT",
                            "/__edgedesk/v1/r2/PUBLIC/objects/churn/" + QByteArray::number(i % 8),
                            {{"Content-Type", "application/octet-stream"}}, body);
                if (r.status == 200)
                    ++writes;
            }
        });
        QStringList warnings;
        bool ok = true;
        for (int round = 0; round < 5 && ok; ++round) {
            StateExportSummary summary;
            const QString error =
                exportTo(data, m_root.filePath(QStringLiteral("churn-%1.zip").arg(round)), false,
                         QString(), &summary);
            ok = error.isEmpty();
            warnings += summary.warnings;
        }
        stop = true;
        writer.join();
        QVERIFY(ok);
        QVERIFY(writes > 0);
        QVERIFY2(warnings.isEmpty(), qPrintable(warnings.join(u'\n')));
        server.stop();
        for (int round = 0; round < 5; ++round) {
            const QString copy = freshFolder(QStringLiteral("churn-copy-%1").arg(round));
            auto imported =
                importFrom(m_root.filePath(QStringLiteral("churn-%1.zip").arg(round)), copy);
            QVERIFY2(imported.ok(), qPrintable(imported ? QString() : imported.error().message));
            ServerOptions copyOptions;
            copyOptions.dataDir = copy;
            TestServer restored(copyOptions);
            QVERIFY2(restored.start(), qPrintable(restored.lastError()));
            for (int k = 0; k < 8; ++k) {
                const HttpReply r =
                    request(restored.port(), "GET",
                            "/__edgedesk/v1/r2/PUBLIC/objects/churn/" + QByteArray::number(k));
                QCOMPARE(r.status, 200);
                QCOMPARE(r.header("etag"), '"' + md5Hex(r.body) + '"');
            }
        }
    }

    void importKeepsWhatIsNotState()
    {
        const QString data = freshFolder(QStringLiteral("lived-in"));
        ServerOptions options;
        options.dataDir = data;
        {
            TestServer server(options);
            QVERIFY2(server.start(), qPrintable(server.lastError()));
            QCOMPARE(
                request(server.port(), "PUT", "/__edgedesk/v1/kv/MY_KV/keys/stale", {}, "x").status,
                200);
        }
        writeFile(data + QStringLiteral("/kv/OTHER.sqlite"), "not in the archive");
        writeFile(data + QStringLiteral("/notes.txt"), "mine");
        writeFile(data + QStringLiteral("/edgedesk.jsonc"), "{ /* the UI's */ }");
        const QByteArray logBefore =
            writeFile(data + QStringLiteral("/logs/server.log"), "an earlier line\n");

        auto imported = importFrom(m_good, data);
        QVERIFY2(imported.ok(), qPrintable(imported ? QString() : imported.error().message));
        QVERIFY(leftovers(data).isEmpty());
        QVERIFY(!QFileInfo::exists(data + QStringLiteral("/kv/OTHER.sqlite")));
        QVERIFY(!QFileInfo::exists(data + QStringLiteral("/.edgedesk.lock")));
        QFile notes(data + QStringLiteral("/notes.txt"));
        QVERIFY(notes.open(QIODevice::ReadOnly));
        QCOMPARE(notes.readAll(), QByteArray("mine"));
        QFile config(data + QStringLiteral("/edgedesk.jsonc"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(config.readAll(), QByteArray("{ /* the UI's */ }"));
        QFile logAfter(data + QStringLiteral("/logs/server.log"));
        QVERIFY(logAfter.open(QIODevice::ReadOnly));
        QCOMPARE(logAfter.readAll(), logBefore);
        // This folder had its own key: the archive's store was sealed with another one.
        QCOMPARE(imported->notes.size(), 1);
        QVERIFY2(imported->notes.first().contains(QStringLiteral("does not open")),
                 qPrintable(imported->notes.first()));

        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        QCOMPARE(request(server.port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/stale").status, 404);
        QCOMPARE(request(server.port(), "GET", "/__edgedesk/v1/kv/MY_KV/keys/alpha").body,
                 QByteArray("one"));
        const HttpReply secrets = request(server.port(), "GET", "/__edgedesk/v1/secrets");
        QCOMPARE(secrets.status, 500);
        QVERIFY(secrets.json()
                    .value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("wrong key file")));
    }

    void withoutKeyInAFreshFolderTheKeyIsNeeded()
    {
        const QString data = freshFolder(QStringLiteral("no-key"));
        auto imported = importFrom(m_good, data);
        QVERIFY2(imported.ok(), qPrintable(imported ? QString() : imported.error().message));
        QCOMPARE(imported->notes.size(), 1);
        QVERIFY2(imported->notes.first().contains(QStringLiteral("without its key")),
                 qPrintable(imported->notes.first()));
        QVERIFY(imported->notes.first().contains(data + QStringLiteral("/secrets/secrets.key")));
        QVERIFY(!QFileInfo::exists(data + QStringLiteral("/secrets/secrets.key")));
        auto store = SecretStore::open(data + QStringLiteral("/secrets"));
        QVERIFY(!store.ok());
        QVERIFY(store.error().message.contains(QStringLiteral("secrets.key is missing")));
        // The original key makes the store whole.
        QVERIFY(QFile::copy(m_goodData + QStringLiteral("/secrets/secrets.key"),
                            data + QStringLiteral("/secrets/secrets.key")));
        QVERIFY(checkOnDisk(data, m_state).isEmpty());
    }

    void withKeyInAFreshFolder()
    {
        const QString archive = m_root.filePath(QStringLiteral("with-key.zip"));
        StateExportSummary summary;
        QVERIFY(exportTo(m_goodData, archive, true, QString(), &summary).isEmpty());
        QVERIFY(summary.manifest.includesSecretKey);
        const QString data = freshFolder(QStringLiteral("with-key"));
        auto imported = importFrom(archive, data);
        QVERIFY2(imported.ok(), qPrintable(imported ? QString() : imported.error().message));
        QVERIFY(imported->notes.isEmpty());
        const QString onDisk = checkOnDisk(data, m_state);
        QVERIFY2(onDisk.isEmpty(), qPrintable(onDisk));
    }

    void configurationTravels()
    {
        // A data folder's own edgedesk.jsonc comes back; a --config file is only reported.
        const QString data = freshFolder(QStringLiteral("configured"));
        QDir().mkpath(data);
        const QByteArray ui = "{ \"name\": \"from-the-ui\" }";
        writeFile(data + QStringLiteral("/edgedesk.jsonc"), ui);
        const QString archive = m_root.filePath(QStringLiteral("config.zip"));
        StateExportSummary summary;
        QVERIFY(exportTo(data, archive, false, QString(), &summary).isEmpty());
        QCOMPARE(summary.manifest.configSource, QStringLiteral("data"));
        const QString target = freshFolder(QStringLiteral("configured-copy"));
        auto imported = importFrom(archive, target);
        QVERIFY(imported.ok());
        QFile restored(target + QStringLiteral("/edgedesk.jsonc"));
        QVERIFY(restored.open(QIODevice::ReadOnly));
        QCOMPARE(restored.readAll(), ui);
        QVERIFY(!QFileInfo::exists(target + QStringLiteral("/config")));

        const QString file = m_root.filePath(QStringLiteral("my.jsonc"));
        writeFile(file, "{ \"name\": \"from-a-file\" }");
        const QString archive2 = m_root.filePath(QStringLiteral("config-file.zip"));
        QVERIFY(exportTo(data, archive2, false, file, &summary).isEmpty());
        QCOMPARE(summary.manifest.configSource, QStringLiteral("file"));
        QCOMPARE(summary.manifest.configPath, file);
        const QString target2 = freshFolder(QStringLiteral("configured-file"));
        imported = importFrom(archive2, target2);
        QVERIFY(imported.ok());
        QVERIFY(!QFileInfo::exists(target2 + QStringLiteral("/edgedesk.jsonc")));
        QCOMPARE(imported->notes.size(), 1);
        QVERIFY(imported->notes.first().contains(file));
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("archive");
        QTest::addColumn<QString>("mentions");
        const QList<ZipItem> good = readZip(m_good);
        // The largest object (the sample JPEG): room to damage a byte in its middle.
        QString object;
        qsizetype largest = 0;
        for (const ZipItem &i : good) {
            if (i.name.startsWith(QStringLiteral("r2/PUBLIC/objects/")) &&
                i.data.size() > largest) {
                object = i.name;
                largest = i.data.size();
            }
        }

        QList<ZipItem> items = good;
        items[indexOf(items, QStringLiteral("kv/MY_KV.sqlite"))].data[100] ^= 0x01;
        QTest::addRow("sha256 mismatch") << writeZip(items) << QStringLiteral("'kv/MY_KV.sqlite'");

        QByteArray crc = writeZip(good);
        const qsizetype at = crc.indexOf(object.toUtf8()) + object.toUtf8().size() + 500;
        crc[at] = char(crc[at] ^ 0x20);
        QTest::addRow("crc mismatch") << crc << QStringLiteral("'%1'").arg(object);

        items = good;
        items.append({QStringLiteral("kv/EXTRA.sqlite"), "x"});
        QTest::addRow("not in manifest") << writeZip(items) << QStringLiteral("'kv/EXTRA.sqlite'");

        items = good;
        items.removeAt(indexOf(items, QStringLiteral("kv/MY_KV.sqlite")));
        QTest::addRow("missing entry") << writeZip(items) << QStringLiteral("'kv/MY_KV.sqlite'");

        items = good;
        items.append({QStringLiteral("logs/server.log"), "x"});
        refreshManifest(items);
        QTest::addRow("not state") << writeZip(items) << QStringLiteral("'logs/server.log'");

        items = good;
        items.append({QStringLiteral("kv/../../escape.sqlite"), "x"});
        refreshManifest(items);
        QTest::addRow("zip slip") << writeZip(items) << QStringLiteral("'kv/../../escape.sqlite'");

        items = good;
        items[indexOf(items, QStringLiteral("kv/MY_KV.sqlite"))].data = "not a database at all";
        refreshManifest(items);
        QTest::addRow("not sqlite") << writeZip(items) << QStringLiteral("'kv/MY_KV.sqlite'");

        items = good;
        items.removeAt(indexOf(items, object));
        refreshManifest(items);
        QTest::addRow("object missing") << writeZip(items) << object;

        items = good;
        refreshManifest(items, {{QStringLiteral("format_version"), 2}});
        QTest::addRow("newer format") << writeZip(items) << QStringLiteral("format version 2");

        items = good;
        items.removeAt(indexOf(items, QStringLiteral("manifest.json")));
        QTest::addRow("no manifest") << writeZip(items) << QStringLiteral("manifest.json");

        items = good;
        refreshManifest(items, {{QStringLiteral("includes_secret_key"), true}});
        QTest::addRow("key flag lies") << writeZip(items) << QStringLiteral("includes_secret_key");

        // (A wrong CRC in a state archive is the "crc mismatch" row above.)
        for (const HostileArchive &h : hostileArchives()) {
            if (!h.foundWhenRead)
                QTest::addRow("%s", qPrintable(h.tag)) << h.bytes << h.mentions;
        }
    }
    void refusals()
    {
        QFETCH(QByteArray, archive);
        QFETCH(QString, mentions);
        const QString path = m_root.filePath(QStringLiteral("refused.zip"));
        writeFile(path, archive);
        // A lived-in folder: refusals must leave every byte of it as it was.
        const QString data = freshFolder(QStringLiteral("untouched"));
        if (!QFileInfo::exists(data)) {
            ServerOptions options;
            options.dataDir = data;
            TestServer server(options);
            QVERIFY2(server.start(), qPrintable(server.lastError()));
            QVERIFY(fillOverHttp(server.port(), m_state).isEmpty());
        }
        const QStringList before = folderListing(data);
        auto imported = importFrom(path, data);
        QVERIFY(!imported.ok());
        QVERIFY2(imported.error().message.contains(mentions), qPrintable(imported.error().message));
        QVERIFY2(imported.error().message.endsWith(QStringLiteral("nothing was changed")),
                 qPrintable(imported.error().message));
        QCOMPARE(folderListing(data), before);
        QVERIFY(leftovers(data).isEmpty());
    }

    void refusedWhileAServerUsesTheFolder()
    {
        const QString data = freshFolder(QStringLiteral("serving"));
        ServerOptions options;
        options.dataDir = data;
        TestServer server(options);
        QVERIFY2(server.start(), qPrintable(server.lastError()));
        auto imported = importFrom(m_good, data);
        QVERIFY(!imported.ok());
        QCOMPARE(imported.error().code, QStringLiteral("conflict"));
        QVERIFY2(imported.error().message.contains(QStringLiteral("in use")),
                 qPrintable(imported.error().message));
        QCOMPARE(request(server.port(), "GET", "/kv").status, 200);
        // And a second server on the same folder is refused too.
        TestServer second(options);
        QVERIFY(!second.start());
        QVERIFY2(second.lastError().contains(QStringLiteral("in use")),
                 qPrintable(second.lastError()));
    }

    void refusedWhileAPreviousFolderWaits()
    {
        const QString data = freshFolder(QStringLiteral("interrupted"));
        QDir().mkpath(data);
        QDir().mkpath(StateImporter::previousPath(data));
        auto imported = importFrom(m_good, data);
        QVERIFY(!imported.ok());
        QCOMPARE(imported.error().code, QStringLiteral("conflict"));
        QVERIFY(imported.error().message.contains(StateImporter::previousPath(data)));
        QVERIFY(QDir(StateImporter::previousPath(data)).removeRecursively());
    }

    void readManifestWithoutUnpacking()
    {
        auto manifest = StateImporter::readManifest(m_good);
        QVERIFY(manifest.ok());
        QCOMPARE(manifest->counts.value(QStringLiteral("secrets")).toInt(), 2);
        QVERIFY(StateExporter::describe(*manifest).contains(QStringLiteral("2 secrets")));
    }

    void exportSkipsAnObjectWhoseFileIsGone()
    {
        const QString data = freshFolder(QStringLiteral("broken-bucket"));
        {
            ServerOptions options;
            options.dataDir = data;
            TestServer server(options);
            QVERIFY2(server.start(), qPrintable(server.lastError()));
            QVERIFY(fillOverHttp(server.port(), m_state).isEmpty());
        }
        // Remove the file of photos/cat.jpg behind the store's back.
        const QByteArray hash =
            QCryptographicHash::hash("photos/cat.jpg", QCryptographicHash::Sha256).toHex();
        const QDir dir(data + QStringLiteral("/r2/PUBLIC/objects/") +
                       QString::fromLatin1(hash.left(2) + '/' + hash.mid(2, 2)));
        const QStringList files = dir.entryList(QDir::Files);
        QCOMPARE(files.size(), 1);
        QVERIFY(QFile::remove(dir.filePath(files.first())));
        const QString archive = m_root.filePath(QStringLiteral("broken.zip"));
        StateExportSummary summary;
        QVERIFY(exportTo(data, archive, false, QString(), &summary).isEmpty());
        QCOMPARE(summary.warnings.size(), 1);
        QVERIFY(summary.warnings.first().contains(QStringLiteral("'photos/cat.jpg'")));
        QCOMPARE(summary.manifest.counts.value(QStringLiteral("objects")).toInt(),
                 m_state.objects.size());
        // The archive is consistent without it.
        auto imported = importFrom(archive, freshFolder(QStringLiteral("broken-copy")));
        QVERIFY2(imported.ok(), qPrintable(imported ? QString() : imported.error().message));
    }

    void exportReplacesAnOldArchiveOnlyOnSuccess()
    {
        const QString archive = m_root.filePath(QStringLiteral("replace.zip"));
        writeFile(archive, "old");
        StateExportOptions options;
        options.dataDir = freshFolder(QStringLiteral("does-not-exist"));
        options.archivePath = archive;
        auto failed = StateExporter::exportState(options);
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().code, QStringLiteral("not_found"));
        QFile old(archive);
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("old"));
        old.close();

        options.dataDir = m_goodData;
        int calls = 0;
        auto cancelled = StateExporter::exportState(
            options, [&](qint64, qint64, const QString &) { return ++calls < 3; });
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, QStringLiteral("cancelled"));
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("old"));
        old.close();
        QCOMPARE(
            QDir(m_root.path()).entryList({QStringLiteral("*.part")}, QDir::Files | QDir::Hidden),
            QStringList());
        QCOMPARE(QDir(m_root.path())
                     .entryList({QStringLiteral(".edgedesk-export-*")}, QDir::Dirs | QDir::Hidden),
                 QStringList());

        qint64 lastDone = -1;
        qint64 lastTotal = 0;
        auto done = StateExporter::exportState(options, [&](qint64 d, qint64 t, const QString &) {
            lastDone = d;
            lastTotal = t;
            return true;
        });
        QVERIFY(done.ok());
        QVERIFY(lastTotal > 3 * 1024 * 1024);
        QCOMPARE(lastDone, lastTotal);
        QCOMPARE(readZip(archive).size(), readZip(m_good).size());
    }

    void lockIsTheServersLock()
    {
        const QString data = freshFolder(QStringLiteral("locked"));
        QDir().mkpath(data);
        auto lock = DataFolderLock::acquire(data);
        QVERIFY(lock.ok());
        QVERIFY(QFileInfo::exists(data + QStringLiteral("/.edgedesk.lock")));
        ServerOptions options;
        options.dataDir = data;
        TestServer server(options);
        QVERIFY(!server.start());
        QVERIFY(server.lastError().contains(QStringLiteral("in use")));
        lock->reset();
        QVERIFY(!QFileInfo::exists(data + QStringLiteral("/.edgedesk.lock")));
        TestServer again(options);
        QVERIFY2(again.start(), qPrintable(again.lastError()));
    }
};

QTEST_GUILESS_MAIN(TestStateImport)
#include "test_stateimport.moc"
