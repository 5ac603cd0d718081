#include "servercontext.h"

#include <QDir>

namespace edgedesk {

QString ServerContext::statePath(const QString &relative) const
{
    return QDir(dataDir).filePath(relative);
}

} // namespace edgedesk
