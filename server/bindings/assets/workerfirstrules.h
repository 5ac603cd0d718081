#pragma once

#include "config/assetsconfig.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>

namespace edgedesk {

// assets.run_worker_first: whether a request goes to the routes (the project's Worker) before
// the assets. Patterns match the URL path; '*' matches anything, '/' included; a "!" pattern
// sends matching paths to the assets alone and wins over the others, as on the platform.
class WorkerFirstRules final
{
public:
    enum class Decision
    {
        Worker,       // the routes first; the assets only for paths no route takes
        Assets,       // the assets alone
        AssetsIfFound // the assets when a file is there, else the routes (the default)
    };

    explicit WorkerFirstRules(const AssetsConfig &config);
    Decision decide(const QByteArray &rawPath) const;

private:
    bool m_all = false;
    QList<QRegularExpression> m_worker;
    QList<QRegularExpression> m_assets;
};

} // namespace edgedesk
