#pragma once

#include "util/result.h"

#include <QString>

namespace edgedesk {

// Finds the program a container class's `image` names. Our own programs (api-backend,
// command-runner) are looked up in ServerOptions::programDir when it is set, else relative to
// the running executable: <appdir>/../libexec/edgedesk/<name> (the installed layout), then
// <appdir>/<name> (the build tree's bin folder). An image with a '/' is a path to a program.
class ProgramLocator final
{
public:
    static Result<QString> find(const QString &image, const QString &programDir = QString());
    // The places find() looks at for a bare name, in order.
    static QStringList candidates(const QString &name, const QString &programDir = QString());
};

} // namespace edgedesk
