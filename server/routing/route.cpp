#include "routing/route.h"

namespace edgedesk {

bool Route::allows(const QByteArray &method) const
{
    if (methods.isEmpty())
        return true;
    if (methods.contains(method))
        return true;
    return method == "HEAD" && methods.contains("GET");
}

} // namespace edgedesk
