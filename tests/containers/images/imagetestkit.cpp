#include "imagetestkit.h"

#include "testsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>

#include <sys/stat.h>

namespace edgedesk::test {

namespace {

la_ssize_t appendTo(archive *, void *buffer, const void *data, size_t size)
{
    static_cast<QByteArray *>(buffer)->append(static_cast<const char *>(data), qsizetype(size));
    return la_ssize_t(size);
}

archive *newWriter(QByteArray *out, Compression compression, bool raw)
{
    archive *writer = archive_write_new();
    if (raw)
        archive_write_set_format_raw(writer);
    else
        archive_write_set_format_pax_restricted(writer);
    if (compression == Compression::Gzip)
        archive_write_add_filter_gzip(writer);
    else if (compression == Compression::Zstd)
        archive_write_add_filter_zstd(writer);
    archive_write_set_bytes_in_last_block(writer, 1);
    archive_write_open(writer, out, nullptr, appendTo, nullptr);
    return writer;
}

QJsonObject descriptor(const QString &mediaType, const QByteArray &blob)
{
    return {{QStringLiteral("mediaType"), mediaType},
            {QStringLiteral("digest"), sha256(blob)},
            {QStringLiteral("size"), double(blob.size())}};
}

QByteArray blobName(const QString &digest)
{
    return "blobs/sha256/" + digest.mid(7).toLatin1();
}

} // namespace

TarEntry TarEntry::file(const QByteArray &name, const QByteArray &data, int mode)
{
    return {Type::File, name, data, {}, mode};
}

TarEntry TarEntry::directory(const QByteArray &name, int mode)
{
    return {Type::Directory, name, {}, {}, mode};
}

TarEntry TarEntry::symlink(const QByteArray &name, const QByteArray &target)
{
    return {Type::Symlink, name, {}, target, 0777};
}

TarEntry TarEntry::hardLink(const QByteArray &name, const QByteArray &target)
{
    return {Type::HardLink, name, {}, target, 0644};
}

TarEntry TarEntry::special(Type type, const QByteArray &name)
{
    return {type, name, {}, {}, 0666};
}

QByteArray makeTar(const QList<TarEntry> &entries, Compression compression)
{
    QByteArray out;
    archive *writer = newWriter(&out, compression, false);
    for (const TarEntry &e : entries) {
        archive_entry *entry = archive_entry_new();
        archive_entry_copy_pathname(entry, e.name.constData());
        archive_entry_set_perm(entry, mode_t(e.mode));
        archive_entry_set_mtime(entry, 1700000000, 0);
        archive_entry_set_uid(entry, 0);
        archive_entry_set_gid(entry, 0);
        switch (e.type) {
        case TarEntry::Type::File:
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_size(entry, e.data.size());
            break;
        case TarEntry::Type::Directory:
            archive_entry_set_filetype(entry, AE_IFDIR);
            break;
        case TarEntry::Type::Symlink:
            archive_entry_set_filetype(entry, AE_IFLNK);
            archive_entry_copy_symlink(entry, e.target.constData());
            break;
        case TarEntry::Type::HardLink:
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_copy_hardlink(entry, e.target.constData());
            archive_entry_set_size(entry, 0);
            break;
        case TarEntry::Type::CharDevice:
            archive_entry_set_filetype(entry, AE_IFCHR);
            archive_entry_set_rdevmajor(entry, 1);
            archive_entry_set_rdevminor(entry, 3);
            break;
        case TarEntry::Type::Fifo:
            archive_entry_set_filetype(entry, AE_IFIFO);
            break;
        }
        if (archive_write_header(writer, entry) != ARCHIVE_OK)
            qFatal("makeTar: cannot write %s: %s", e.name.constData(),
                   archive_error_string(writer));
        if (e.type == TarEntry::Type::File && !e.data.isEmpty())
            archive_write_data(writer, e.data.constData(), size_t(e.data.size()));
        archive_entry_free(entry);
    }
    archive_write_close(writer);
    archive_write_free(writer);
    return out;
}

QByteArray compress(const QByteArray &data, Compression compression)
{
    if (compression == Compression::None)
        return data;
    QByteArray out;
    archive *writer = newWriter(&out, compression, true);
    archive_entry *entry = archive_entry_new();
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_pathname(entry, "data");
    archive_write_header(writer, entry);
    archive_write_data(writer, data.constData(), size_t(data.size()));
    archive_entry_free(entry);
    archive_write_close(writer);
    archive_write_free(writer);
    return out;
}

QString sha256(const QByteArray &data)
{
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

TestImage &TestImage::layer(const QList<TarEntry> &entries, Compression compression)
{
    const QByteArray tar = makeTar(entries);
    static const QMap<Compression, QString> types = {
        {Compression::None, QStringLiteral("application/vnd.oci.image.layer.v1.tar")},
        {Compression::Gzip, QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip")},
        {Compression::Zstd, QStringLiteral("application/vnd.oci.image.layer.v1.tar+zstd")},
    };
    m_layers.append({compress(tar, compression), sha256(tar), types.value(compression)});
    return *this;
}

QByteArray TestImage::configBytes() const
{
    QJsonArray diffIds;
    for (const Layer &l : m_layers)
        diffIds.append(l.diffId);
    if (!diffIdsOverride.isEmpty())
        diffIds = QJsonArray::fromStringList(diffIdsOverride);
    const QJsonObject config{
        {QStringLiteral("architecture"), architecture},
        {QStringLiteral("os"), QStringLiteral("linux")},
        {QStringLiteral("created"), QStringLiteral("2025-06-01T12:00:00Z")},
        {QStringLiteral("config"), run},
        {QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                               {QStringLiteral("diff_ids"), diffIds}}},
    };
    return QJsonDocument(config).toJson(QJsonDocument::Compact);
}

QByteArray TestImage::manifestBytes() const
{
    QJsonArray layers;
    for (const Layer &l : m_layers)
        layers.append(descriptor(l.mediaType, l.blob));
    const QJsonObject manifest{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
        {QStringLiteral("config"),
         descriptor(QStringLiteral("application/vnd.oci.image.config.v1+json"), configBytes())},
        {QStringLiteral("layers"), layers},
    };
    return QJsonDocument(manifest).toJson(QJsonDocument::Compact);
}

QMap<QByteArray, QByteArray> TestImage::ociFiles() const
{
    QMap<QByteArray, QByteArray> files;
    files.insert("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    for (const Layer &l : m_layers)
        files.insert(blobName(sha256(l.blob)), l.blob);
    files.insert(blobName(id()), configBytes());
    const QByteArray manifest = manifestBytes();
    files.insert(blobName(sha256(manifest)), manifest);
    QJsonObject entry =
        descriptor(QStringLiteral("application/vnd.oci.image.manifest.v1+json"), manifest);
    if (!tags.isEmpty())
        entry.insert(
            QStringLiteral("annotations"),
            QJsonObject{{QStringLiteral("org.opencontainers.image.ref.name"), tags.first()}});
    const QJsonObject index{{QStringLiteral("schemaVersion"), 2},
                            {QStringLiteral("manifests"), QJsonArray{entry}}};
    files.insert("index.json", QJsonDocument(index).toJson(QJsonDocument::Compact));
    return files;
}

QMap<QByteArray, QByteArray> TestImage::dockerFiles() const
{
    QMap<QByteArray, QByteArray> files;
    QJsonArray layerPaths;
    for (const Layer &l : m_layers) {
        const QByteArray path = l.diffId.mid(7).toLatin1() + "/layer.tar";
        files.insert(path, l.blob);
        layerPaths.append(QString::fromLatin1(path));
    }
    const QByteArray configName = id().mid(7).toLatin1() + ".json";
    files.insert(configName, configBytes());
    const QJsonArray manifest{QJsonObject{
        {QStringLiteral("Config"), QString::fromLatin1(configName)},
        {QStringLiteral("RepoTags"), QJsonArray::fromStringList(tags)},
        {QStringLiteral("Layers"), layerPaths},
    }};
    files.insert("manifest.json", QJsonDocument(manifest).toJson(QJsonDocument::Compact));
    return files;
}

QByteArray imageArchive(const QMap<QByteArray, QByteArray> &files, Compression compression)
{
    QList<TarEntry> entries;
    for (auto it = files.begin(); it != files.end(); ++it)
        entries.append(TarEntry::file(it.key(), it.value()));
    return makeTar(entries, compression);
}

void writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFolder(const QString &dir, const QMap<QByteArray, QByteArray> &files)
{
    for (auto it = files.begin(); it != files.end(); ++it)
        writeFile(dir + QLatin1Char('/') + QString::fromUtf8(it.key()), it.value());
}

QByteArray testServerBinary()
{
    const QByteArray binary = readFile(program(QStringLiteral("imagetestserver")));
    if (binary.isEmpty())
        qFatal("the test server %s was not built",
               qPrintable(program(QStringLiteral("imagetestserver"))));
    return binary;
}

TestImage serverImage(Compression compression)
{
    TestImage image;
    image.layer({TarEntry::directory("app/"),
                 TarEntry::file("app/server", testServerBinary(), 0755),
                 TarEntry::directory("etc/"),
                 TarEntry::file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                              "app:x:1234:2345:App:/home/app:/bin/sh\n"),
                 TarEntry::file("etc/group", "root:x:0:\napp:x:2345:\nstaff:x:50:\n"),
                 TarEntry::directory("tmp/", 01777)},
                compression);
    image.run = {
        {QStringLiteral("Entrypoint"), QJsonArray{QStringLiteral("/app/server")}},
        {QStringLiteral("Env"), QJsonArray{QStringLiteral("PATH=/app:/bin"),
                                           QStringLiteral("GREETING=hello from the image")}},
        {QStringLiteral("WorkingDir"), QStringLiteral("/app")},
        {QStringLiteral("User"), QStringLiteral("app")},
        {QStringLiteral("ExposedPorts"), QJsonObject{{QStringLiteral("8080/tcp"), QJsonObject()}}}};
    return image;
}

QStringList listTree(const QString &dir)
{
    QStringList paths;
    QDirIterator it(dir, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System,
                    QDirIterator::Subdirectories);
    while (it.hasNext())
        paths.append(QDir(dir).relativeFilePath(it.next()));
    paths.sort();
    return paths;
}

} // namespace edgedesk::test
