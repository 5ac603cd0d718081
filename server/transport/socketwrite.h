#pragma once

#include <QtGlobal>

class QTcpSocket;

namespace edgedesk {

// Writes `size` bytes to a connected socket: straight to the kernel (send(2), non-blocking)
// while Qt's write buffer is empty, and whatever the kernel does not take now through
// QTcpSocket::write(), after which everything goes through Qt until its buffer has drained, so
// the order is kept. QAbstractSocket would buffer every write and arm its write notifier for the
// next event-loop pass; with GLib's dispatcher arming and disarming a notifier wakes the loop
// twice (eventfd), per response. Returns true when every byte went straight to the kernel.
bool writeNow(QTcpSocket *socket, const char *data, qsizetype size);

} // namespace edgedesk
