#pragma once

#include "apiclient.h"
#include "util/result.h"

#include <QList>
#include <QString>

namespace edgedesk {

// The requests sent from the API section, newest first, kept per project in
// <data folder>/desktop/api-history.json (the data folder is per project, so two projects never
// share a history). Capped at kCapacity entries; a body larger than kMaxBody is not kept (the
// entry says so and cannot be sent again).
class RequestHistory final
{
public:
    static constexpr int kCapacity = 200;
    static constexpr qsizetype kMaxBody = 64 * 1024;

    struct Entry
    {
        QByteArray method;
        QString path;
        ApiHeaders headers;
        QByteArray body;
        bool bodyOmitted = false; // the body was over kMaxBody
        int status = 0;           // 0: no answer
        qint64 elapsedMs = 0;
        qint64 size = 0;   // bytes of the answer's body
        qint64 timeMs = 0; // when it was sent, ms since the epoch
        QString instance;

        // Words a search matches: method, path, status, instance, headers and body.
        bool matches(const QString &needle) const;
    };

    // Where the history of the project whose data folder is `dataDir` lives.
    static QString filePath(const QString &dataDir);

    // Reads the file (a missing file is an empty history). Entries are replaced either way; a file
    // that is not a history is renamed to <path>.unreadable and the error says so.
    Status load(const QString &path);
    Status save() const;
    QString path() const { return m_path; }

    // Adds the newest entry, drops the oldest past kCapacity, and saves when a path is set.
    Status add(Entry entry);
    void clear();
    const QList<Entry> &entries() const { return m_entries; }

private:
    QString m_path;
    QList<Entry> m_entries;
};

} // namespace edgedesk
