#include "containers/programlocator.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace edgedesk {

QStringList ProgramLocator::candidates(const QString &name, const QString &programDir)
{
    if (!programDir.isEmpty())
        return {QDir(programDir).filePath(name)};
    const QString appDir = QCoreApplication::applicationDirPath();
    return {QDir::cleanPath(appDir + QStringLiteral("/../libexec/edgedesk/") + name),
            QDir(appDir).filePath(name)};
}

Result<QString> ProgramLocator::find(const QString &image, const QString &programDir)
{
    const QStringList places = image.contains(QLatin1Char('/'))
                                   ? QStringList{QDir::cleanPath(image)}
                                   : candidates(image, programDir);
    for (const QString &place : places) {
        const QFileInfo info(place);
        if (info.isFile() && info.isExecutable())
            return info.canonicalFilePath();
    }
    return makeError(QStringLiteral("service_unavailable"),
                     QStringLiteral("program %1 not found (looked at %2)")
                         .arg(image, places.join(QStringLiteral(", "))));
}

} // namespace edgedesk
