// The image store with well-formed images: both archive forms, a layout folder, every layer
// compression, whiteouts, opaque folders, links, a layer shared by two images, removal.
#include "containers/images/imagedigest.h"
#include "containers/images/imagestore.h"
#include "containers/images/rootdirectory.h"
#include "imagetestkit.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace edgedesk;
using namespace edgedesk::test;

namespace {

struct stat statOf(const QString &path)
{
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        st.st_ino = 0;
    return st;
}

QString linkTarget(const QString &path)
{
    char buffer[4096];
    const ssize_t n = ::readlink(QFile::encodeName(path).constData(), buffer, sizeof buffer);
    return n < 0 ? QString() : QString::fromUtf8(buffer, int(n));
}

} // namespace

class TestImageStore : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ImageStore> m_store;

    QString storeRoot() const { return m_dir->filePath(QStringLiteral("data/images")); }
    QString put(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir->filePath(name);
        writeFile(path, bytes);
        return path;
    }
    ImageRecord mustLoad(const QString &path, const ImageLimits &limits = ImageLimits())
    {
        auto loaded = m_store->load(path, limits);
        if (!loaded)
            qFatal("load of %s failed: %s", qPrintable(path), qPrintable(loaded.error().message));
        return *loaded;
    }
    QStringList snapshotNames() const
    {
        return QDir(storeRoot() + QStringLiteral("/snapshots"))
            .entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_store = std::make_unique<ImageStore>(storeRoot());
    }
    void cleanup()
    {
        m_store.reset();
        m_dir.reset();
    }

    void ociArchiveIsVerifiedAndUnpacked()
    {
        const TestImage image = serverImage(Compression::Gzip);
        QVector<int> steps;
        auto loaded = m_store->load(
            put(QStringLiteral("server.tar"), imageArchive(image.ociFiles())), ImageLimits(),
            [&](int step, int, const QString &) { steps.append(step); });
        QVERIFY2(loaded, loaded ? "" : qPrintable(loaded.error().message));
        QCOMPARE(loaded->id, image.id());
        QCOMPARE(loaded->format, QStringLiteral("oci"));
        QCOMPARE(loaded->manifestDigest, sha256(image.manifestBytes()));
        QCOMPARE(loaded->tags, QStringList{QStringLiteral("localhost/test-image:latest")});
        QCOMPARE(loaded->layers.size(), 1);
        QCOMPARE(loaded->layers[0].diffId, image.layers()[0].diffId);
        QCOMPARE(loaded->layers[0].chainId, image.layers()[0].diffId); // a bottom layer's chain
        QCOMPARE(loaded->layers[0].compression, QStringLiteral("gzip"));
        QCOMPARE(loaded->exposedPorts(), QList<int>{8080});
        QVERIFY(!steps.isEmpty());

        const QJsonObject json = loaded->toJson();
        QCOMPARE(json.value(QStringLiteral("digest")).toString(), image.id());
        QCOMPARE(json.value(QStringLiteral("exposed_ports")).toArray(), QJsonArray{8080});
        QCOMPARE(json.value(QStringLiteral("architecture")).toString(), QStringLiteral("amd64"));
        QCOMPARE(json.value(QStringLiteral("created")).toString(),
                 QStringLiteral("2025-06-01T12:00:00Z"));
        QCOMPARE(qint64(json.value(QStringLiteral("size")).toDouble()), loaded->layers[0].bytes);
        QCOMPARE(json.value(QStringLiteral("layers")).toArray().size(), 1);

        const QString root = m_store->rootfs(*loaded);
        QCOMPARE(root, storeRoot() + QStringLiteral("/snapshots/") +
                           ImageDigest::hex(image.layers()[0].diffId) + QStringLiteral("/rootfs"));
        QCOMPARE(readFile(root + QStringLiteral("/app/server")), testServerBinary());
        QCOMPARE(statOf(root + QStringLiteral("/app/server")).st_mode & 07777, mode_t(0755));
        QCOMPARE(statOf(root + QStringLiteral("/tmp")).st_mode & 07777, mode_t(01777));
        QCOMPARE(statOf(root + QStringLiteral("/etc/passwd")).st_mode & 07777, mode_t(0644));
        QVERIFY(readFile(root + QStringLiteral("/etc/passwd")).contains("app:x:1234"));
        QCOMPARE(listTree(root),
                 (QStringList{"app", "app/server", "etc", "etc/group", "etc/passwd", "tmp"}));

        // Listed, found by digest, and the work folder is gone.
        QCOMPARE(m_store->images().size(), 1);
        QVERIFY(m_store->find(image.id()));
        QVERIFY(!m_store->find(QStringLiteral("sha256:") + QString(64, QLatin1Char('0'))));
        QCOMPARE(listTree(storeRoot() + QStringLiteral("/tmp")), QStringList());
    }

    void dockerArchiveGivesTheSameImage()
    {
        const TestImage image = serverImage(Compression::None);
        const ImageRecord fromDocker =
            mustLoad(put(QStringLiteral("docker.tar"), imageArchive(image.dockerFiles())));
        QCOMPARE(fromDocker.format, QStringLiteral("docker"));
        QCOMPARE(fromDocker.id, image.id());
        QVERIFY(fromDocker.manifestDigest.isEmpty());
        QCOMPARE(fromDocker.tags, image.tags);
        QCOMPARE(readFile(m_store->rootfs(fromDocker) + QStringLiteral("/app/server")),
                 testServerBinary());

        // The same image as an OCI archive: same id, same snapshot, nothing unpacked twice.
        const struct stat before =
            statOf(m_store->rootfs(fromDocker) + QStringLiteral("/app/server"));
        const ImageRecord fromOci =
            mustLoad(put(QStringLiteral("oci.tar"), imageArchive(image.ociFiles())));
        QCOMPARE(fromOci.id, fromDocker.id);
        QCOMPARE(fromOci.format, QStringLiteral("oci"));
        QCOMPARE(statOf(m_store->rootfs(fromOci) + QStringLiteral("/app/server")).st_ino,
                 before.st_ino);
        QCOMPARE(m_store->images().size(), 1);
        QCOMPARE(snapshotNames().size(), 1);
    }

    void everyCompressionAndAnOuterGzip_data()
    {
        QTest::addColumn<int>("layerCompression");
        QTest::addColumn<int>("archiveCompression");
        QTest::newRow("plain layers") << int(Compression::None) << int(Compression::None);
        QTest::newRow("gzip layers") << int(Compression::Gzip) << int(Compression::None);
        QTest::newRow("zstd layers") << int(Compression::Zstd) << int(Compression::None);
        QTest::newRow("gzip archive of zstd layers")
            << int(Compression::Zstd) << int(Compression::Gzip);
    }
    void everyCompressionAndAnOuterGzip()
    {
        QFETCH(int, layerCompression);
        QFETCH(int, archiveCompression);
        const TestImage image = serverImage(Compression(layerCompression));
        const ImageRecord loaded =
            mustLoad(put(QStringLiteral("image.tar"),
                         imageArchive(image.ociFiles(), Compression(archiveCompression))));
        const QStringList names = {QStringLiteral("none"), QStringLiteral("gzip"),
                                   QStringLiteral("zstd")};
        QCOMPARE(loaded.layers[0].compression, names[layerCompression]);
        QCOMPARE(readFile(m_store->rootfs(loaded) + QStringLiteral("/app/server")),
                 testServerBinary());
    }

    void unpackedLayoutFolder()
    {
        const TestImage image = serverImage();
        const QString folder = m_dir->filePath(QStringLiteral("layout"));
        writeFolder(folder, image.ociFiles());
        const QStringList before = listTree(folder);
        const ImageRecord loaded = mustLoad(folder);
        QCOMPARE(loaded.id, image.id());
        QCOMPARE(loaded.source, QFileInfo(folder).absoluteFilePath());
        QCOMPARE(listTree(folder), before); // the user's folder is only read
    }

    void whiteoutsAndOpaqueFolders()
    {
        TestImage image;
        image.layer({TarEntry::file("a/keep", "k"), TarEntry::file("a/gone", "g"),
                     TarEntry::file("b/x", "x"), TarEntry::file("b/sub/y", "y"),
                     TarEntry::file("c/old", "o"), TarEntry::file("d", "file d")});
        // Whiteouts and the opaque marker come after entries of the same layer on purpose: they
        // hide only what lower layers left.
        image.layer({TarEntry::file("b/new", "n"), TarEntry::file("b/.wh..wh..opq", ""),
                     TarEntry::file("a/.wh.gone", ""), TarEntry::file(".wh.c", ""),
                     TarEntry::file("e/kept", "e"), TarEntry::file("e/.wh.kept", ""),
                     TarEntry::directory("d/"), TarEntry::file("d/now-a-folder", "d")},
                    Compression::Zstd);
        image.layer({TarEntry::file("a/.wh..wh..opq", "")}, Compression::None);
        const ImageRecord loaded =
            mustLoad(put(QStringLiteral("layers.tar"), imageArchive(image.ociFiles())));
        QCOMPARE(loaded.layers.size(), 3);
        QCOMPARE(loaded.layers[1].parentChainId, loaded.layers[0].chainId);
        QCOMPARE(loaded.layers[1].chainId,
                 ImageDigest::ofBytes(
                     (loaded.layers[0].chainId + QLatin1Char(' ') + loaded.layers[1].diffId)
                         .toLatin1()));

        const auto rootAfter = [&](int layer) {
            return storeRoot() + QStringLiteral("/snapshots/") +
                   ImageDigest::hex(loaded.layers[layer].chainId) + QStringLiteral("/rootfs");
        };
        QCOMPARE(listTree(rootAfter(1)),
                 (QStringList{"a", "a/keep", "b", "b/new", "d", "d/now-a-folder", "e", "e/kept"}));
        QCOMPARE(readFile(rootAfter(1) + QStringLiteral("/a/keep")), QByteArray("k"));
        // The last layer makes "a" opaque: empty, but still a folder.
        QCOMPARE(listTree(rootAfter(2)),
                 (QStringList{"a", "b", "b/new", "d", "d/now-a-folder", "e", "e/kept"}));
        // The snapshot below is untouched by the layers above it.
        QCOMPARE(listTree(rootAfter(0)), (QStringList{"a", "a/gone", "a/keep", "b", "b/sub",
                                                      "b/sub/y", "b/x", "c", "c/old", "d"}));
        QCOMPARE(m_store->rootfs(loaded), rootAfter(2));
    }

    void hardLinksAndSymlinksStayInside()
    {
        TestImage image;
        image.layer({TarEntry::directory("usr/"), TarEntry::directory("usr/lib/"),
                     TarEntry::file("usr/lib/libfoo.so", "foo library", 0755),
                     TarEntry::symlink("lib", "usr/lib"),
                     TarEntry::symlink("etc/absolute", "/usr/lib"),
                     TarEntry::file("bin/tool", "tool", 0755),
                     TarEntry::hardLink("bin/tool-link", "bin/tool"),
                     TarEntry::symlink("dangling", "/nowhere/at/all")});
        image.layer({TarEntry::file("lib/through-relative", "r"),
                     TarEntry::file("etc/absolute/through-absolute", "a"),
                     TarEntry::hardLink("bin/lower-link", "bin/tool"),
                     TarEntry::hardLink("bin/via-symlink", "lib/libfoo.so")});
        const ImageRecord loaded =
            mustLoad(put(QStringLiteral("links.tar"), imageArchive(image.ociFiles())));
        const QString root = m_store->rootfs(loaded);

        QCOMPARE(linkTarget(root + QStringLiteral("/lib")), QStringLiteral("usr/lib"));
        QCOMPARE(linkTarget(root + QStringLiteral("/etc/absolute")), QStringLiteral("/usr/lib"));
        QCOMPARE(linkTarget(root + QStringLiteral("/dangling")), QStringLiteral("/nowhere/at/all"));
        // Writes through links land inside the root: an absolute target means the image's /.
        QCOMPARE(readFile(root + QStringLiteral("/usr/lib/through-relative")), QByteArray("r"));
        QCOMPARE(readFile(root + QStringLiteral("/usr/lib/through-absolute")), QByteArray("a"));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/usr/lib/through-absolute")));
        // Hard links share the inode, within a layer and onto a lower layer's file.
        const ino_t tool = statOf(root + QStringLiteral("/bin/tool")).st_ino;
        QCOMPARE(statOf(root + QStringLiteral("/bin/tool-link")).st_ino, tool);
        QCOMPARE(statOf(root + QStringLiteral("/bin/lower-link")).st_ino, tool);
        QCOMPARE(statOf(root + QStringLiteral("/bin/via-symlink")).st_ino,
                 statOf(root + QStringLiteral("/usr/lib/libfoo.so")).st_ino);
        QCOMPARE(readFile(root + QStringLiteral("/bin/lower-link")), QByteArray("tool"));
    }

    void aSharedLayerIsStoredOnce()
    {
        const QList<TarEntry> base = {TarEntry::file("base/big", QByteArray(100000, 'b')),
                                      TarEntry::file("base/shared", "shared")};
        TestImage first;
        first.layer(base).layer({TarEntry::file("first", "1")});
        TestImage second;
        second.layer(base, Compression::Zstd).layer({TarEntry::file("second", "2")});
        QCOMPARE(first.layers()[0].diffId, second.layers()[0].diffId); // same content, other blob

        const ImageRecord one =
            mustLoad(put(QStringLiteral("first.tar"), imageArchive(first.ociFiles())));
        const ImageRecord two =
            mustLoad(put(QStringLiteral("second.tar"), imageArchive(second.dockerFiles())));
        QCOMPARE(snapshotNames().size(), 3); // base, base+first, base+second
        const QString big = QStringLiteral("/base/big");
        const struct stat a = statOf(m_store->rootfs(one) + big);
        const struct stat b = statOf(m_store->rootfs(two) + big);
        QCOMPARE(a.st_ino, b.st_ino);
        QCOMPARE(a.st_nlink, nlink_t(3)); // the base snapshot and both images: one copy on disk

        QList<LayerRecord> layers = m_store->layers();
        QCOMPARE(layers.size(), 3);
        for (const LayerRecord &layer : layers) {
            if (layer.chainId == one.layers[0].chainId)
                QCOMPARE(layer.usedBy.size(), 2);
            else
                QCOMPARE(layer.usedBy.size(), 1);
        }

        // Removing one image keeps the base for the other.
        QVERIFY(m_store->remove(one.id));
        QVERIFY(!m_store->find(one.id));
        QCOMPARE(snapshotNames().size(), 2);
        QCOMPARE(readFile(m_store->rootfs(two) + big), QByteArray(100000, 'b'));
        QCOMPARE(readFile(m_store->rootfs(two) + QStringLiteral("/second")), QByteArray("2"));
        QVERIFY(m_store->remove(two.id));
        QCOMPARE(snapshotNames(), QStringList());
        QCOMPARE(m_store->images().size(), 0);
        auto again = m_store->remove(two.id);
        QVERIFY(!again);
        QCOMPARE(again.error().code, QStringLiteral("not_found"));
    }

    void anImageInUseIsNotRemoved()
    {
        const ImageRecord image =
            mustLoad(put(QStringLiteral("server.tar"), imageArchive(serverImage().ociFiles())));
        m_store->retain(image.id);
        m_store->retain(image.id);
        QVERIFY(m_store->inUse(image.id));
        auto refused = m_store->remove(image.id);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, QStringLiteral("conflict"));
        QVERIFY(refused.error().message.contains(QStringLiteral("in use")));
        QVERIFY(m_store->find(image.id));
        QCOMPARE(readFile(m_store->rootfs(image) + QStringLiteral("/app/server")),
                 testServerBinary());
        m_store->release(image.id);
        QVERIFY(m_store->inUse(image.id));
        m_store->release(image.id);
        QVERIFY(!m_store->inUse(image.id));
        QVERIFY(m_store->remove(image.id));
    }

    void specialFilesDroppedAndPrivilegesCleared()
    {
        TestImage image;
        image.layer({TarEntry::special(TarEntry::Type::CharDevice, "dev/null"),
                     TarEntry::special(TarEntry::Type::Fifo, "run/fifo"),
                     TarEntry::file("bin/su", "setuid", 04755),
                     TarEntry::file("bin/wall", "setgid", 02755),
                     TarEntry::file("bin/unreadable", "secret", 0000)});
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("dropped 'dev/null'")));
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("dropped 'run/fifo'")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
                                               "cleared the setuid/setgid bit of 'bin/su'")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
                                               "cleared the setuid/setgid bit of 'bin/wall'")));
        const ImageRecord loaded =
            mustLoad(put(QStringLiteral("special.tar"), imageArchive(image.ociFiles())));
        const QString root = m_store->rootfs(loaded);
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/dev/null")));
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/run/fifo")));
        QCOMPARE(statOf(root + QStringLiteral("/bin/su")).st_mode & 07777, mode_t(0755));
        QCOMPARE(statOf(root + QStringLiteral("/bin/wall")).st_mode & 07777, mode_t(0755));
        QCOMPARE(statOf(root + QStringLiteral("/bin/unreadable")).st_mode & 07777, mode_t(0400));
        QCOMPARE(readFile(root + QStringLiteral("/bin/su")), QByteArray("setuid"));
    }

    void aCachedImageIsNotUnpackedAgain()
    {
        const TestImage image = serverImage();
        const QString path = put(QStringLiteral("server.tar"), imageArchive(image.ociFiles()));
        const ImageRecord first = mustLoad(path);
        const QString server = m_store->rootfs(first) + QStringLiteral("/app/server");
        QVERIFY(QFile::remove(server)); // a sign: a second unpack would bring it back
        const ImageRecord second = mustLoad(path);
        QCOMPARE(second.id, first.id);
        QVERIFY(!QFileInfo::exists(server));
        // A fresh store on the same folder sees the same cache.
        ImageStore reopened(storeRoot());
        QCOMPARE(reopened.images().size(), 1);
        QCOMPARE(reopened.images().first().id, first.id);
    }

    void anUnchangedSourceIsFoundWithoutLoading()
    {
        const QString path =
            put(QStringLiteral("server.tar"), imageArchive(serverImage().ociFiles()));
        QVERIFY(!m_store->findLoaded(path));
        const ImageRecord loaded = mustLoad(path);
        QCOMPARE(loaded.sourceSize, QFileInfo(path).size());
        auto found = m_store->findLoaded(path);
        QVERIFY(found);
        QCOMPARE(found->id, loaded.id);
        // Another store on the folder (a restart) finds it too.
        QVERIFY(ImageStore(storeRoot()).findLoaded(path));

        // A changed archive is loaded again, even when its size stays the same.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(60),
                                 QFileDevice::FileModificationTime));
        file.close();
        QVERIFY(!m_store->findLoaded(path));
        mustLoad(path);
        QVERIFY(m_store->findLoaded(path));
        // A layer that went missing too.
        RootDirectory::removeTree(
            RootDirectory::open(storeRoot() + QStringLiteral("/snapshots"))->fd(),
            ImageDigest::hex(loaded.layers[0].chainId).toLatin1());
        QVERIFY(!m_store->findLoaded(path));
    }

    void unfinishedLoadsOfGoneProcessesAreRemoved()
    {
        m_store.reset();
        // A load killed halfway: its work folder, named after a process that no longer exists.
        const QString stale = storeRoot() + QStringLiteral("/tmp/load-999999999-abcdef");
        writeFile(stale + QStringLiteral("/snapshot/rootfs/half"), "half");
        m_store = std::make_unique<ImageStore>(storeRoot());
        QVERIFY(!QFileInfo::exists(stale));
        QCOMPARE(m_store->images().size(), 0);
        QCOMPARE(m_store->layers().size(), 0);
    }

    void anImageMadeByUmoci()
    {
        // Another writer of OCI layouts than our own kit: two layers, the second deleting a file
        // of the first (umoci writes the whiteout), and a config set with umoci's own flags.
        const QString umoci = QStandardPaths::findExecutable(QStringLiteral("umoci"));
        QVERIFY2(!umoci.isEmpty(), "umoci is not installed: run packaging/install-deps.sh");
        const QString layout = m_dir->filePath(QStringLiteral("umoci-layout"));
        const QString image = layout + QStringLiteral(":latest");
        const QString bundle = m_dir->filePath(QStringLiteral("bundle"));
        auto step = [&](const QStringList &args) {
            const ProcessResult result = run(umoci, args);
            if (result.exitCode != 0)
                qFatal("umoci %s: %s", qPrintable(args.join(QLatin1Char(' '))),
                       result.err.constData());
        };
        step({QStringLiteral("init"), QStringLiteral("--layout"), layout});
        step({QStringLiteral("new"), QStringLiteral("--image"), image});
        step({QStringLiteral("unpack"), QStringLiteral("--rootless"), QStringLiteral("--image"),
              image, bundle});
        writeFile(bundle + QStringLiteral("/rootfs/app/server"), testServerBinary());
        QFile::setPermissions(bundle + QStringLiteral("/rootfs/app/server"),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                  QFile::ReadOther | QFile::ExeOther);
        writeFile(bundle + QStringLiteral("/rootfs/app/obsolete"), "old");
        step({QStringLiteral("repack"), QStringLiteral("--image"), image, bundle});
        QVERIFY(QDir(bundle).removeRecursively());
        step({QStringLiteral("unpack"), QStringLiteral("--rootless"), QStringLiteral("--image"),
              image, bundle});
        QVERIFY(QFile::remove(bundle + QStringLiteral("/rootfs/app/obsolete")));
        step({QStringLiteral("repack"), QStringLiteral("--image"), image, bundle});
        step({QStringLiteral("config"), QStringLiteral("--image"), image,
              QStringLiteral("--config.entrypoint"), QStringLiteral("/app/server"),
              QStringLiteral("--config.exposedports"), QStringLiteral("9090/tcp"),
              QStringLiteral("--config.workingdir"), QStringLiteral("/app"),
              QStringLiteral("--config.env"), QStringLiteral("GREETING=from umoci")});

        const ImageRecord loaded = mustLoad(layout);
        QCOMPARE(loaded.format, QStringLiteral("oci"));
        QCOMPARE(loaded.layers.size(), 2);
        QCOMPARE(loaded.tags, QStringList{QStringLiteral("latest")});
        QCOMPARE(loaded.exposedPorts(), QList<int>{9090});
        const QJsonObject config = loaded.config.value(QStringLiteral("config")).toObject();
        QCOMPARE(config.value(QStringLiteral("Entrypoint")).toArray(),
                 QJsonArray{QStringLiteral("/app/server")});
        const QString root = m_store->rootfs(loaded);
        QCOMPARE(readFile(root + QStringLiteral("/app/server")), testServerBinary());
        QVERIFY(!QFileInfo::exists(root + QStringLiteral("/app/obsolete")));
        // And as the archive `skopeo copy oci-archive:` would make of the same folder.
        QMap<QByteArray, QByteArray> files;
        for (const QString &file : listTree(layout)) {
            if (QFileInfo(layout + QLatin1Char('/') + file).isFile())
                files.insert(file.toUtf8(), readFile(layout + QLatin1Char('/') + file));
        }
        QCOMPARE(mustLoad(put(QStringLiteral("umoci.tar"), imageArchive(files))).id, loaded.id);
    }

    void aFolderMadeReadOnlyByTheImageIsRemovable()
    {
        TestImage image;
        image.layer(
            {TarEntry::directory("locked/", 0555), TarEntry::file("locked/inside", "x", 0444)});
        const ImageRecord loaded =
            mustLoad(put(QStringLiteral("locked.tar"), imageArchive(image.ociFiles())));
        QCOMPARE(statOf(m_store->rootfs(loaded) + QStringLiteral("/locked")).st_mode & 0777,
                 mode_t(0755));
        QVERIFY(m_store->remove(loaded.id));
        QCOMPARE(snapshotNames(), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestImageStore)
#include "test_imagestore.moc"
