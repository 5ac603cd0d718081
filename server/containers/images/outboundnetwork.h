#pragma once

#include "util/result.h"

#include <QDeadlineTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace edgedesk {

// Outbound network for one image instance ("enable_internet": true): passt's pasta, started with
// a placeholder process in a network namespace of its own (lo + one interface, default route,
// the host's DNS servers), translating that namespace's traffic into ordinary sockets of the
// host. Nothing is forwarded inward (-t/-u/-T/-U none): the instance is still reached only
// through its Unix socket. The namespace's gateway address is not mapped to the host's loopback
// (--no-map-gw) unless reachHost: an image is code from anywhere, and the loopback holds
// EdgeDesk's own port, whose /run and control API trust loopback clients. DNS queries to
// ImageInstance::kDnsForwarder go to the host's resolver either way (even one on its loopback).
//
// The instance's sandbox then joins that namespace before bwrap starts (Sandbox::joinNetwork),
// instead of unsharing an empty one. Root joins only the network namespace (its bwrap then runs
// as the instance's host uid); anyone else joins pasta's user namespace first, which owns it.
// pasta dies with EdgeDesk and with this object, and the placeholder with pasta.
class OutboundNetwork final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OutboundNetwork)

public:
    using Ready = std::function<void(const Status &status)>;

    // reachHost (ServerOptions::containersReachHost): the gateway address reaches the host's
    // loopback, as with rootless container engines.
    explicit OutboundNetwork(bool reachHost, QObject *parent = nullptr);
    ~OutboundNetwork() override;

    // Starts pasta; ready(Ok) once the namespace is configured, else a service_unavailable error
    // that says what is missing ("install passt") or what pasta said. Called once.
    void start(Ready ready);

    // Descriptors of the namespaces to join (after ready(Ok)); userNamespaceFd() is -1 when the
    // caller is root.
    int userNamespaceFd() const { return m_userNs; }
    int netNamespaceFd() const { return m_netNs; }
    // "outbound network through pasta (gateway 192.0.2.1 reaches the host's loopback)", or
    // "(the host's loopback is out of reach)".
    QString description() const;

    static constexpr int kStartTimeoutMs = 10000;

private:
    void poll();
    void fail(const QString &why);
    void finish(const Status &status);
    QString pastaOutput();

    QProcess *m_pasta = nullptr;
    QTimer m_poll;
    QDeadlineTimer m_deadline;
    Ready m_ready;
    const bool m_reachHost;
    QString m_gateway;
    int m_userNs = -1;
    int m_netNs = -1;
};

} // namespace edgedesk
