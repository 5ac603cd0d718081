#include "asyncrequest.h"

#include <QHostAddress>

namespace edgedesk::test {

AsyncRequest::AsyncRequest(quint16 port, const QByteArray &method, const QByteArray &target,
                           const QByteArray &body, QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &AsyncRequest::readResponse);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_finished = true; });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    m_socket.write(method + ' ' + target +
                   " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) +
                   "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
}

void AsyncRequest::readResponse()
{
    // Both programs always answer with Content-Length.
    m_raw += m_socket.readAll();
    const qsizetype headEnd = m_raw.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return;
    const QByteArray head = m_raw.left(headEnd).toLower();
    const qsizetype at = head.indexOf("content-length:");
    if (at < 0)
        return;
    const qsizetype lineEnd = head.indexOf("\r\n", at);
    const qsizetype length =
        head.mid(at + 15, lineEnd < 0 ? -1 : lineEnd - at - 15).trimmed().toLongLong();
    if (m_raw.size() - headEnd - 4 < length)
        return;
    m_status = m_raw.split(' ').value(1).toInt();
    m_body = m_raw.mid(headEnd + 4, length);
    m_finished = true;
}

} // namespace edgedesk::test
