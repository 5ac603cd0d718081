#pragma once

#include "containers/sandboxspec.h"
#include "util/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <memory>
#include <mutex>

QT_BEGIN_NAMESPACE
class QTemporaryDir;
QT_END_NAMESPACE

namespace edgedesk {

// The files a sandbox sees in place of the host's: its /etc, staged in a folder of the host's
// temp dir and bound read-only. On the host's own root file system the folder holds a whole
// /etc (the generated passwd, group, hosts and resolv.conf plus copies of the few host entries
// programs break without), bound with one --ro-bind; with an image as root file system only the
// generated hosts and resolv.conf, each bound over the image's own.
//
// Sandboxes with the same content share one folder for the life of this object (creating four
// files per command cost command-runner more CPU than the rest of a start), restaged when the
// host's entries change. Thread-safe.
class SandboxEtc final
{
public:
    struct StagedFile
    {
        QString name;        // its name in the staging folder
        QString destination; // where the sandbox sees it
        QByteArray content;
    };

    // tempDir: where staging folders are made; hostEtcDir: where the host entries are copied
    // from (tests point it elsewhere).
    explicit SandboxEtc(QString tempDir, QString hostEtcDir = QStringLiteral("/etc"));
    ~SandboxEtc();
    SandboxEtc(const SandboxEtc &) = delete;
    SandboxEtc &operator=(const SandboxEtc &) = delete;

    // The generated files spec's sandbox gets: /etc/passwd and /etc/group (not with an image as
    // root), /etc/hosts, with network /etc/resolv.conf, plus spec.files.
    static QList<StagedFile> stagedFiles(const SandboxSpec &spec);
    // Whether a staged file goes into the staged /etc folder rather than a bind of its own.
    static bool inStagedEtc(const SandboxSpec &spec, const QString &destination);

    // The staging folder for spec: stagingFolder/etc and stagingFolder/<name> of the files bound
    // on their own. The folder lives while someone holds it.
    Result<std::shared_ptr<QTemporaryDir>> stage(const SandboxSpec &spec);
    // A fresh private folder <tempDir>/edgedesk-sandbox-<pid>-XXXXXX, readable by everybody
    // (bwrap may run as an unprivileged host uid). The first call removes the folders of gone
    // processes (removeStale()).
    Result<std::shared_ptr<QTemporaryDir>> newFolder();

    // Removes the staging folders in tempDir whose process is gone (a kill -9 leaves them);
    // returns how many.
    static int removeStale(const QString &tempDir);

private:
    QByteArray hostFingerprint(bool network, qint64 *newestChangeSec) const;
    Status copyHostEtc(const QString &etcDir, bool network) const;

    QString m_tempDir;
    QString m_hostEtcDir;
    std::once_flag m_swept;
    QMutex m_mutex;
    QHash<QByteArray, std::shared_ptr<QTemporaryDir>> m_cache;
};

} // namespace edgedesk
