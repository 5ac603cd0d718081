#include "util/workerpool.h"

#include <QThread>

namespace edgedesk {

WorkerPool::WorkerPool(int maxThreads)
{
    // At least 2 so that a slow upstream call cannot starve image transforms; at most the
    // machine's cores plus a few for threads that wait on I/O (SQLite fsync, libcurl).
    m_pool.setMaxThreadCount(maxThreads > 0 ? maxThreads
                                            : qMax(2, QThread::idealThreadCount() + 2));
    m_pool.setExpiryTimeout(60000);
    m_pool.setObjectName(QStringLiteral("edgedesk-workers"));
}

WorkerPool::~WorkerPool()
{
    m_pool.waitForDone();
}

} // namespace edgedesk
