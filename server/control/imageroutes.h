#pragma once

#include "bindings/bindingmodule.h"
#include "routing/httpexchange.h"
#include "servercontext.h"

#include <memory>

namespace edgedesk {

class ImageStore;

// The container image routes of the control API:
//   GET    /__edgedesk/v1/images           {"images":[ImageRecord + "in_use"], "layers":[...]}
//   POST   /__edgedesk/v1/images           an image archive as the body (docker save, podman save,
//          skopeo oci-archive; ≤ 512 MiB, as other archive uploads): verified, unpacked into the
//          cache; 201 {"image":{...}}, 422 hostile or damaged (nothing kept), 413 over a limit,
//          415 a body that is not an archive
//   DELETE /__edgedesk/v1/images/{digest}  200 {"removed":digest}; 409 while an instance runs it
// The work runs on the pool; the server thread only checks the request and answers.
class ImageRoutes final : public BindingModule
{
public:
    static constexpr qint64 kUploadLimit = 512LL * 1024 * 1024;

    ImageRoutes(const ServerContext &context, std::shared_ptr<ImageStore> store);

    void addRoutes(Router &router) override;

private:
    void list(const ExchangePtr &exchange);
    void upload(const ExchangePtr &exchange);
    void remove(const ExchangePtr &exchange);

    const ServerContext &m_context;
    std::shared_ptr<ImageStore> m_store;
};

} // namespace edgedesk
