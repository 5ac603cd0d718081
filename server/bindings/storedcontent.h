#pragma once

#include "routing/httpresponse.h"

namespace edgedesk {

// User data stored in EdgeDesk (KV values, bucket objects) is served with the type it was stored
// with, from the server's own origin. Whoever can store a value must not be able to make a page
// of that origin out of it: an HTML value loading another value as a script would run with the
// rights of the frontend (POST /run, the control API). These answers carry a policy that lets
// nothing load or run and puts the document in a unique origin, so they display, download and
// embed as images but never act. The transport adds `X-Content-Type-Options: nosniff` to every
// answer, so a stored value is never read as a script of another type either.
namespace StoredContent {
inline constexpr char kContentSecurityPolicy[] = "default-src 'none'; sandbox";
void sandbox(HttpResponse &response);
} // namespace StoredContent

} // namespace edgedesk
