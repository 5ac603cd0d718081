#include "statearchive.h"

#include "archive/stateexporter.h"
#include "archive/stateimporter.h"

namespace edgedesk {

namespace {

StateArchive::Contents contentsOf(const StateManifest &manifest)
{
    return {manifest.created, manifest.edgedeskVersion, StateExporter::describe(manifest),
            manifest.includesSecretKey};
}

} // namespace

Result<StateArchive::Exported> StateArchive::exportState(const QString &dataDir,
                                                         const QString &configPath,
                                                         const QString &archivePath,
                                                         bool includeSecretKey,
                                                         const Progress &progress)
{
    StateExportOptions options;
    options.dataDir = dataDir;
    options.configPath = configPath;
    options.archivePath = archivePath;
    options.includeSecretKey = includeSecretKey;
    auto summary = StateExporter::exportState(options, progress);
    if (!summary)
        return summary.error();
    return Exported{summary->archivePath, summary->archiveBytes, contentsOf(summary->manifest),
                    summary->warnings};
}

Result<StateArchive::Contents> StateArchive::inspect(const QString &archivePath)
{
    auto manifest = StateImporter::readManifest(archivePath);
    if (!manifest)
        return manifest.error();
    return contentsOf(*manifest);
}

Result<StateArchive::Imported> StateArchive::importState(const QString &dataDir,
                                                         const QString &archivePath,
                                                         const Progress &progress)
{
    StateImportOptions options;
    options.dataDir = dataDir;
    options.archivePath = archivePath;
    auto summary = StateImporter::importState(options, progress);
    if (!summary)
        return summary.error();
    return Imported{summary->dataDir, contentsOf(summary->manifest), summary->notes};
}

} // namespace edgedesk
