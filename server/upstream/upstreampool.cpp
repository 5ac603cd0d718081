#include "upstream/upstreampool.h"

#include <chrono>

namespace edgedesk {

UpstreamPool::UpstreamPool(QString host, quint16 port, QObject *parent, QString unixSocket)
    : QObject(parent), m_host(std::move(host)), m_port(port), m_unixSocket(std::move(unixSocket))
{
    connect(&m_sweep, &QTimer::timeout, this, &UpstreamPool::sweep);
}

qint64 UpstreamPool::now()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

UpstreamConnection *UpstreamPool::newConnection()
{
    auto *connection = new UpstreamConnection(this, m_host, m_port, m_unixSocket);
    m_connections.append(connection);
    return connection;
}

void UpstreamPool::sweep()
{
    const qint64 t = now();
    // A copy: a connection that times out leaves the list.
    const QList<UpstreamConnection *> connections = m_connections;
    bool busy = false;
    for (UpstreamConnection *c : connections) {
        if (!m_connections.contains(c))
            continue;
        c->checkDeadline(t);
        busy = busy || (m_connections.contains(c) && c->isBusy());
    }
    // Idle connections only need their 30 s idle limit checked now and then.
    if (m_connections.isEmpty())
        m_sweep.stop();
    else if (!busy && m_sweep.interval() != kIdleSweepMs)
        m_sweep.start(kIdleSweepMs);
}

UpstreamPool::~UpstreamPool()
{
    // Connections are children; they must not call back into a pool being destroyed.
    const QList<UpstreamConnection *> connections = m_connections;
    m_connections.clear();
    m_idle.clear();
    for (UpstreamConnection *c : connections)
        delete c;
}

std::shared_ptr<UpstreamCall> UpstreamPool::send(UpstreamRequest request,
                                                 UpstreamCallbacks callbacks)
{
    auto call = std::make_shared<UpstreamCall>();
    call->request = std::move(request);
    call->callbacks = std::move(callbacks);
    dispatch(call);
    return call;
}

void UpstreamPool::dispatch(const std::shared_ptr<UpstreamCall> &call)
{
    if (!m_sweep.isActive() || m_sweep.interval() != kSweepMs)
        m_sweep.start(kSweepMs);
    if (!m_idle.isEmpty()) {
        UpstreamConnection *connection = m_idle.takeLast();
        connection->start(call);
        return;
    }
    if (m_connections.size() >= kMaxConnections) {
        m_waiting.push_back(call);
        return;
    }
    newConnection()->start(call);
}

void UpstreamPool::cancel(const std::shared_ptr<UpstreamCall> &call)
{
    if (!call || call->finished)
        return;
    call->finished = true;
    if (UpstreamConnection *connection = call->connection.data()) {
        call->connection = nullptr;
        connection->abort();
        return;
    }
    for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it) {
        if (*it == call) {
            m_waiting.erase(it);
            return;
        }
    }
}

void UpstreamPool::closeAll(const QString &reason)
{
    QList<std::shared_ptr<UpstreamCall>> calls(m_waiting.begin(), m_waiting.end());
    m_waiting.clear();
    const QList<UpstreamConnection *> connections = m_connections;
    for (UpstreamConnection *c : connections) {
        if (c->currentCall())
            calls.append(c->currentCall());
    }
    // Aborting detaches each connection's call without a report; the report follows here.
    for (UpstreamConnection *c : connections)
        c->abort();
    for (const auto &call : std::as_const(calls)) {
        if (call->finished)
            continue;
        call->finished = true;
        call->connection = nullptr;
        if (call->callbacks.failed)
            call->callbacks.failed(UpstreamFailure::Closed, reason);
    }
}

void UpstreamPool::connectionIdle(UpstreamConnection *connection)
{
    if (!m_waiting.empty()) {
        std::shared_ptr<UpstreamCall> next = std::move(m_waiting.front());
        m_waiting.pop_front();
        connection->start(next);
        return;
    }
    m_idle.append(connection);
}

void UpstreamPool::connectionClosed(UpstreamConnection *connection)
{
    m_connections.removeOne(connection);
    m_idle.removeOne(connection);
    if (!m_waiting.empty() && m_connections.size() < kMaxConnections) {
        std::shared_ptr<UpstreamCall> next = std::move(m_waiting.front());
        m_waiting.pop_front();
        dispatch(next);
    }
}

void UpstreamPool::retry(const std::shared_ptr<UpstreamCall> &call)
{
    call->retried = true;
    call->headSeen = false;
    if (!m_sweep.isActive() || m_sweep.interval() != kSweepMs)
        m_sweep.start(kSweepMs);
    newConnection()->start(call);
}

} // namespace edgedesk
