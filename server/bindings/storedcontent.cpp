#include "bindings/storedcontent.h"

namespace edgedesk {

void StoredContent::sandbox(HttpResponse &response)
{
    response.header("Content-Security-Policy", kContentSecurityPolicy);
}

} // namespace edgedesk
