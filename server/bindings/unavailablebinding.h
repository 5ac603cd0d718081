#pragma once

#include "bindings/bindingmodule.h"
#include "servercontext.h"

namespace edgedesk {

// A route whose binding is configured but not available in this build or on this machine:
// answers 503 binding_unavailable naming the binding, instead of a misleading 404.
class UnavailableBinding final : public BindingModule
{
public:
    UnavailableBinding(ServerContext &context, const QByteArray &pattern, const QString &binding,
                       const QString &what, const QString &reason = QString());
};

} // namespace edgedesk
