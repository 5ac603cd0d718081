#include "containers/images/imagereference.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace edgedesk {

namespace {

bool looksLikeDockerfile(const QString &fileName)
{
    static const QRegularExpression pattern(
        QStringLiteral("^(docker|container)file([._-].*)?$|\\.(docker|container)file$"),
        QRegularExpression::CaseInsensitiveOption);
    return pattern.match(fileName).hasMatch();
}

bool looksLikeArchive(const QString &fileName)
{
    static const QRegularExpression pattern(
        QStringLiteral("\\.(tar|tgz|oci|tar\\.gz|tar\\.zst|tar\\.zstd|tar\\.xz)$"),
        QRegularExpression::CaseInsensitiveOption);
    return pattern.match(fileName).hasMatch();
}

// ELF binaries and scripts run as programs; anything else in a file is taken for an archive.
bool startsLikeProgram(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray head = file.read(4);
    return head == QByteArrayLiteral("\x7f"
                                     "ELF") ||
           head.startsWith("#!");
}

} // namespace

ImageReference ImageReference::resolve(const QString &image, const QString &configDir)
{
    ImageReference reference;
    reference.m_image = image;
    const bool builtInName =
        image == QLatin1String("api-backend") || image == QLatin1String("command-runner");
    const QString base = configDir.isEmpty() || configDir.startsWith(QLatin1Char(':'))
                             ? QDir::currentPath()
                             : configDir;
    reference.m_base = QDir(base).absolutePath();
    const QString path = QDir::cleanPath(QDir(base).absoluteFilePath(image));
    const QFileInfo info(path);
    if (image.isEmpty() || builtInName || (!image.contains(QLatin1Char('/')) && !info.exists())) {
        reference.m_kind = Kind::BuiltIn;
        return reference;
    }
    reference.m_path = path;
    if (info.isDir())
        reference.m_kind = Kind::LayoutFolder;
    else if (looksLikeDockerfile(info.fileName()))
        reference.m_kind = Kind::Dockerfile;
    else if (info.exists() ? !startsLikeProgram(path) : looksLikeArchive(info.fileName()))
        reference.m_kind = Kind::Archive;
    else
        reference.m_kind = Kind::Program;
    return reference;
}

QString ImageReference::kindName() const
{
    switch (m_kind) {
    case Kind::BuiltIn:
        return QStringLiteral("built-in");
    case Kind::Program:
        return QStringLiteral("program");
    case Kind::Archive:
        return QStringLiteral("archive");
    case Kind::LayoutFolder:
        return QStringLiteral("oci-layout");
    case Kind::Dockerfile:
        return QStringLiteral("dockerfile");
    }
    return QString();
}

} // namespace edgedesk
