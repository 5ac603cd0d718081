// Hostile and damaged images: every one is refused with a clear error, writes nothing outside the
// store, leaves no snapshot, work folder or image record behind, and does not disturb an image
// that was already in the cache.
#include "containers/images/imagestore.h"
#include "imagetestkit.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

// A path from anywhere up to "/" and down to `target`: ".." past the root stays at the root, so
// this reaches target from any depth if the ".." were honoured.
QByteArray climbTo(const QString &target)
{
    QByteArray path;
    for (int i = 0; i < 24; ++i)
        path += "../";
    return path + QFile::encodeName(target).mid(1);
}

TestImage small()
{
    TestImage image;
    image.layer({TarEntry::file("hello", "hello")});
    image.run = {{QStringLiteral("Cmd"), QJsonArray{QStringLiteral("/hello")}}};
    return image;
}

QByteArray withLayers(const QList<QList<TarEntry>> &layers,
                      Compression compression = Compression::Gzip)
{
    TestImage image;
    for (const auto &entries : layers)
        image.layer(entries, compression);
    return imageArchive(image.ociFiles());
}

QByteArray blobKey(const QString &digest)
{
    return "blobs/sha256/" + digest.mid(7).toLatin1();
}

} // namespace

class TestHostileImages : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString outside() const { return m_dir.filePath(QStringLiteral("outside")); }
    QString storeRoot() const { return m_dir.filePath(QStringLiteral("data/images")); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qint64>("maxBytes");
        QTest::addColumn<qint64>("maxEntries");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("phrase");
        const qint64 big = qint64(1) << 30;
        const QString pwned = outside() + QStringLiteral("/pwned");
        const QString unprocessable = QStringLiteral("unprocessable");
        const QString tooLarge = QStringLiteral("payload_too_large");
        const QString throughLink =
            QStringLiteral("leads outside the image through a symbolic link");

        // Names that escape.
        QTest::newRow("entry climbing out with ..")
            << withLayers({{TarEntry::file(climbTo(pwned), "x")}}) << big << big << unprocessable
            << QStringLiteral("climbs out of the image with '..'");
        QTest::newRow(".. in the middle of a name")
            << withLayers({{TarEntry::file("app/../../pwned", "x")}}) << big << big << unprocessable
            << QStringLiteral("entry 'app/../../pwned' climbs out");
        QTest::newRow("absolute entry")
            << withLayers({{TarEntry::file(QFile::encodeName(pwned), "x")}}) << big << big
            << unprocessable << QStringLiteral("has an absolute path");
        QTest::newRow("hard link climbing out")
            << withLayers({{TarEntry::hardLink("h", climbTo(QStringLiteral("/etc/passwd")))}})
            << big << big << unprocessable << QStringLiteral("is a hard link that climbs out");
        QTest::newRow("absolute hard link")
            << withLayers({{TarEntry::hardLink("h", "/etc/passwd")}}) << big << big << unprocessable
            << QStringLiteral("is a hard link that has an absolute path");

        // Links that lead out, then an entry through them.
        const QByteArray out = climbTo(outside());
        QTest::newRow("file through an escaping symlink")
            << withLayers({{TarEntry::symlink("evil", out), TarEntry::file("evil/pwned", "x")}})
            << big << big << unprocessable << throughLink;
        QTest::newRow("symlink in a lower layer")
            << withLayers({{TarEntry::symlink("evil", out)}, {TarEntry::file("evil/pwned", "x")}})
            << big << big << unprocessable << throughLink;
        QTest::newRow("chain of symlinks")
            << withLayers({{TarEntry::symlink("a", "b"), TarEntry::symlink("b", "c/../.."),
                            TarEntry::directory("c/"), TarEntry::file("a/pwned", "x")}})
            << big << big << unprocessable << throughLink;
        QTest::newRow("folder entry through a symlink")
            << withLayers({{TarEntry::symlink("evil", out)}, {TarEntry::directory("evil/made/")}})
            << big << big << unprocessable << throughLink;
        QTest::newRow("hard link through a symlink")
            << withLayers(
                   {{TarEntry::symlink("evil", out)}, {TarEntry::hardLink("h", "evil/canary")}})
            << big << big << unprocessable << throughLink;
        QTest::newRow("whiteout through a symlink")
            << withLayers(
                   {{TarEntry::symlink("evil", out)}, {TarEntry::file("evil/.wh.canary", "")}})
            << big << big << unprocessable << throughLink;
        QTest::newRow("opaque folder through a symlink")
            << withLayers(
                   {{TarEntry::symlink("evil", out)}, {TarEntry::file("evil/.wh..wh..opq", "")}})
            << big << big << unprocessable << throughLink;

        // The archive around the layout.
        auto files = small().ociFiles();
        QList<TarEntry> outer;
        for (auto it = files.begin(); it != files.end(); ++it)
            outer.append(TarEntry::file(it.key(), it.value()));
        QTest::newRow("archive entry climbing out")
            << makeTar(QList<TarEntry>{TarEntry::file(climbTo(pwned), "x")} + outer) << big << big
            << unprocessable << QStringLiteral("the image archive hostile.tar is refused: entry");
        QTest::newRow("archive folder through a symlink")
            << makeTar(QList<TarEntry>{TarEntry::symlink("blobs", out)} + outer) << big << big
            << unprocessable << throughLink;
        {
            auto docker = small().dockerFiles();
            const QByteArray manifest = docker.value("manifest.json");
            const QByteArray layerPath =
                small().layers()[0].diffId.mid(7).toLatin1() + "/layer.tar";
            docker.insert(
                "manifest.json",
                QByteArray(manifest).replace(layerPath, climbTo(QStringLiteral("/etc/hostname"))));
            QTest::newRow("manifest.json layer path climbing out")
                << imageArchive(docker) << big << big << unprocessable
                << QStringLiteral("climbs out");
            auto linked = small().dockerFiles();
            linked.remove(layerPath);
            QList<TarEntry> entries;
            for (auto it = linked.begin(); it != linked.end(); ++it)
                entries.append(TarEntry::file(it.key(), it.value()));
            entries.append(TarEntry::symlink(layerPath, "/etc/hostname"));
            QTest::newRow("layer.tar linked to a host file")
                << makeTar(entries) << big << big << unprocessable
                << QStringLiteral("which is missing");
        }

        // Digests that do not match.
        {
            TestImage image = small();
            auto oci = image.ociFiles();
            oci.insert(blobKey(sha256(image.layers()[0].blob)),
                       compress(makeTar({TarEntry::file("hello", "swapped")}), Compression::Gzip));
            QTest::newRow("layer blob swapped") << imageArchive(oci) << big << big << unprocessable
                                                << QStringLiteral("does not match its digest");
            auto config = image.ociFiles();
            config.insert(blobKey(image.id()), image.configBytes().replace("linux", "Linux"));
            QTest::newRow("config blob altered")
                << imageArchive(config) << big << big << unprocessable
                << QStringLiteral("does not match its digest");
            auto manifest = image.ociFiles();
            manifest.insert(blobKey(sha256(image.manifestBytes())), image.manifestBytes() + " ");
            QTest::newRow("manifest blob altered")
                << imageArchive(manifest) << big << big << unprocessable
                << QStringLiteral("does not match its digest");
            TestImage lying = small();
            lying.diffIdsOverride = {sha256("something else")};
            QTest::newRow("config diff_id lies")
                << imageArchive(lying.ociFiles()) << big << big << unprocessable
                << QStringLiteral("does not match its diff_id");
            QTest::newRow("docker layer.tar altered") << [&] {
                auto docker = image.dockerFiles();
                docker.insert(image.layers()[0].diffId.mid(7).toLatin1() + "/layer.tar",
                              makeTar({TarEntry::file("hello", "swapped")}));
                return imageArchive(docker);
            }() << big << big << unprocessable << QStringLiteral("does not match its diff_id");
        }

        // Damaged data.
        {
            const QByteArray whole = imageArchive(serverImage().ociFiles());
            QTest::newRow("truncated archive") << whole.left(whole.size() * 2 / 3) << big << big
                                               << unprocessable << QStringLiteral("truncated");
            const QByteArray tar =
                makeTar({TarEntry::file("data", QByteArray(300000, 'x') + testServerBinary())});
            const QByteArray gzip = compress(tar, Compression::Gzip);
            TestImage cut;
            cut.rawLayer({gzip.left(gzip.size() / 2), sha256(tar),
                          QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip")});
            QTest::newRow("truncated gzip layer")
                << imageArchive(cut.ociFiles()) << big << big << unprocessable
                << QStringLiteral("cannot be decompressed (damaged or truncated)");
        }

        // Bombs and floods.
        const qint64 limit = 8 << 20;
        QTest::newRow("decompression bomb layer")
            << withLayers({{TarEntry::file("zeros", QByteArray(48 << 20, '\0'))}},
                          Compression::Zstd)
            << limit << big << tooLarge << QStringLiteral("unpacks to more than 8388608 bytes");
        QTest::newRow("decompression bomb archive")
            << imageArchive(QMap<QByteArray, QByteArray>{{"zeros", QByteArray(48 << 20, '\0')}},
                            Compression::Gzip)
            << limit << big << tooLarge << QStringLiteral("holds more than 8388608 bytes");
        {
            QList<TarEntry> many;
            for (int i = 0; i < 1500; ++i)
                many.append(TarEntry::file("f" + QByteArray::number(i), ""));
            QTest::newRow("too many entries")
                << withLayers({many}) << big << qint64(1000) << tooLarge
                << QStringLiteral("has more than 1000 entries");
        }

        // Manifests pointing at nothing, or at the wrong thing.
        {
            const TestImage image = small();
            auto noLayer = image.ociFiles();
            noLayer.remove(blobKey(sha256(image.layers()[0].blob)));
            QTest::newRow("missing layer blob")
                << imageArchive(noLayer) << big << big << unprocessable
                << QStringLiteral("points at the layer sha256:");
            auto noConfig = image.ociFiles();
            noConfig.remove(blobKey(image.id()));
            QTest::newRow("missing config blob")
                << imageArchive(noConfig) << big << big << unprocessable
                << QStringLiteral("points at the blob %1, which is missing").arg(image.id());
            auto noManifest = image.ociFiles();
            noManifest.remove(blobKey(sha256(image.manifestBytes())));
            QTest::newRow("missing manifest blob")
                << imageArchive(noManifest) << big << big << unprocessable
                << QStringLiteral("which is missing");
            auto dockerMissing = image.dockerFiles();
            dockerMissing.remove(image.layers()[0].diffId.mid(7).toLatin1() + "/layer.tar");
            QTest::newRow("manifest.json layer missing")
                << imageArchive(dockerMissing) << big << big << unprocessable
                << QStringLiteral("which is missing");
            auto weakDigest = image.ociFiles();
            weakDigest.insert(
                "index.json",
                QByteArray(weakDigest.value("index.json")).replace("sha256:", "md5:"));
            QTest::newRow("digest that is not sha256")
                << imageArchive(weakDigest) << big << big << unprocessable
                << QStringLiteral("has no sha256 digest");
            QTest::newRow("not an image")
                << imageArchive({{"README", "hello"}}) << big << big << unprocessable
                << QStringLiteral("neither an OCI image layout");
            QTest::newRow("not even a tar") << QByteArray(5000, 'z') << big << big << unprocessable
                                            << QStringLiteral("is not a readable tar archive");
            TestImage arm = small();
            arm.architecture = QStringLiteral("arm64");
            QTest::newRow("another architecture")
                << imageArchive(arm.ociFiles()) << big << big << unprocessable
                << QStringLiteral("built for arm64");
            TestImage counted = small();
            counted.diffIdsOverride = {counted.layers()[0].diffId, counted.layers()[0].diffId};
            QTest::newRow("layer count differs from diff_ids")
                << imageArchive(counted.ociFiles()) << big << big << unprocessable
                << QStringLiteral("lists 1 layers but the config 2");
        }
    }

    void refused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(qint64, maxBytes);
        QFETCH(qint64, maxEntries);
        QFETCH(QString, code);
        QFETCH(QString, phrase);

        QDir(storeRoot()).removeRecursively();
        QDir(outside()).removeRecursively();
        writeFile(outside() + QStringLiteral("/canary"), "canary");
        ImageStore store(storeRoot());
        const ImageRecord good = *store.load([&] {
            const QString path = m_dir.filePath(QStringLiteral("good.tar"));
            writeFile(path, imageArchive(small().ociFiles()));
            return path;
        }());
        const QStringList goodTree = listTree(storeRoot());

        const QString path = m_dir.filePath(QStringLiteral("hostile.tar"));
        writeFile(path, bytes);
        ImageLimits limits;
        limits.maxUnpackedBytes = maxBytes;
        limits.maxArchiveBytes = maxBytes;
        limits.maxEntries = maxEntries;
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refused")));
        auto loaded = store.load(path, limits);
        QVERIFY(!loaded);
        QCOMPARE(loaded.error().code, code);
        QVERIFY2(loaded.error().message.contains(phrase), qPrintable(loaded.error().message));

        // Nothing outside the store, nothing new inside it, the cached image intact.
        QCOMPARE(listTree(outside()), QStringList{QStringLiteral("canary")});
        QCOMPARE(readFile(outside() + QStringLiteral("/canary")), QByteArray("canary"));
        QCOMPARE(listTree(storeRoot()), goodTree);
        QCOMPARE(store.images().size(), 1);
        QCOMPARE(store.images().first().id, good.id);
        QCOMPARE(readFile(store.rootfs(good) + QStringLiteral("/hello")), QByteArray("hello"));
        QCOMPARE(
            listTree(m_dir.path()).filter(QRegularExpression(QStringLiteral("^(?!data/|data$)"))),
            (QStringList{"good.tar", "hostile.tar", "outside", "outside/canary"}));
    }
};

QTEST_GUILESS_MAIN(TestHostileImages)
#include "test_hostileimages.moc"
