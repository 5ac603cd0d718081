#pragma once

#include <QByteArray>

namespace edgedesk {

// Security headers, built once (qBittorrent does the same) and appended to every response.
namespace SecurityHeaders {
// "X-Content-Type-Options: nosniff\r\nX-Frame-Options: SAMEORIGIN\r\nReferrer-Policy:
// same-origin\r\n"
const QByteArray &common();
// The Content-Security-Policy header line for HTML responses.
const QByteArray &htmlPolicy();
QByteArray contentSecurityPolicy();
} // namespace SecurityHeaders

} // namespace edgedesk
