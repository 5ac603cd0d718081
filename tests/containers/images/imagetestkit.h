#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace edgedesk::test {

enum class Compression
{
    None,
    Gzip,
    Zstd,
};

// One tar entry as a test wants it written, hostile names and types included: libarchive's
// writer stores a name as given ("../x", "/etc/x"), which is how hostile layers are made.
struct TarEntry
{
    enum class Type
    {
        File,
        Directory,
        Symlink,
        HardLink,
        CharDevice,
        Fifo,
    };
    Type type = Type::File;
    QByteArray name;
    QByteArray data;   // File
    QByteArray target; // Symlink, HardLink
    int mode = 0644;

    static TarEntry file(const QByteArray &name, const QByteArray &data, int mode = 0644);
    static TarEntry directory(const QByteArray &name, int mode = 0755);
    static TarEntry symlink(const QByteArray &name, const QByteArray &target);
    static TarEntry hardLink(const QByteArray &name, const QByteArray &target);
    static TarEntry special(Type type, const QByteArray &name);
};

// A tar stream (pax format), compressed as asked.
QByteArray makeTar(const QList<TarEntry> &entries, Compression compression = Compression::None);
QByteArray compress(const QByteArray &data, Compression compression);
QString sha256(const QByteArray &data); // "sha256:<hex>"

// An image made in memory and written in either form engines save:
// - OCI image layout: oci-layout, index.json, blobs/sha256/<manifest, config, layers>
// - docker save: manifest.json, <config hex>.json, <diff hex>/layer.tar
// files() gives the layout as name -> content, for tests to damage before packing it with
// imageArchive() or writing it with writeFolder().
class TestImage
{
public:
    struct Layer
    {
        QByteArray blob;
        QString diffId; // sha256 of the uncompressed tar
        QString mediaType;
    };

    TestImage &layer(const QList<TarEntry> &entries, Compression compression = Compression::Gzip);
    TestImage &rawLayer(const Layer &layer)
    {
        m_layers.append(layer);
        return *this;
    }

    // The image config's "config" object (Entrypoint, Cmd, Env, WorkingDir, User, ExposedPorts).
    QJsonObject run;
    QString architecture = QStringLiteral("amd64");
    QStringList tags = {QStringLiteral("localhost/test-image:latest")};
    // Overrides rootfs.diff_ids when not empty (to make configs that lie).
    QStringList diffIdsOverride;

    const QList<Layer> &layers() const { return m_layers; }
    QByteArray configBytes() const;
    QString id() const { return sha256(configBytes()); } // the config digest
    QByteArray manifestBytes() const;

    QMap<QByteArray, QByteArray> ociFiles() const;
    QMap<QByteArray, QByteArray> dockerFiles() const;

private:
    QList<Layer> m_layers;
};

// The files of a layout as one archive (what `docker save` / `skopeo copy oci-archive:` write).
QByteArray imageArchive(const QMap<QByteArray, QByteArray> &files,
                        Compression compression = Compression::None);
void writeFolder(const QString &dir, const QMap<QByteArray, QByteArray> &files);
void writeFile(const QString &path, const QByteArray &data);
QByteArray readFile(const QString &path);

// The static test server (tests/containers/images/imagetestserver.cpp) as bytes, and the small
// image most tests use: the server at /app/server, a passwd with user "app" (uid 1234),
// Entrypoint ["/app/server"], WorkingDir /app, User app, ExposedPorts 8080/tcp, Env GREETING.
QByteArray testServerBinary();
TestImage serverImage(Compression compression = Compression::Gzip);

// Every path below dir (relative, sorted), for "nothing was written outside" checks.
QStringList listTree(const QString &dir);

} // namespace edgedesk::test
