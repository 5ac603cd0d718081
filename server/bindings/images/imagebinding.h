#pragma once

#include "bindings/bindingmodule.h"
#include "bindings/images/imagecache.h"
#include "bindings/images/imageoptions.h"
#include "routing/httpexchange.h"
#include "servercontext.h"
#include "storage/openedstore.h"

#include <QSize>
#include <QString>

#include <memory>

namespace edgedesk {

class BucketStore;

// The demo's `/image` (GET/HEAD): an object of one bucket (the default: the seeded pristine
// sample), transformed with the edge image API's parameters (default box 100x100), `?key=` for
// another object. Answers carry an ETag derived from the source's etag and the normalised
// parameters, so If-None-Match is answered without decoding; transformed images are kept in an
// ImageCache and a repeated request is served from it on the server thread. Misses read the
// object and transform it on the worker pool; identical misses in flight share one transform.
// Also owns the live "image" section of GET /__edgedesk/v1/config.
//
// EDGEDESK_IMAGE_SHRINK_ON_LOAD=0 in the environment (read once, at construction) turns off
// JPEG shrink-on-load, for benchmarks that measure what it saves.
class ImageBinding final : public BindingModule
{
public:
    static constexpr QSize kDefaultBox{100, 100};
    // What the demo's Worker asks for: 100x100, cover, AVIF negotiated down to WebP, then JPEG
    // by the request's Accept (a browser gets AVIF, curl JPEG).
    static ImageDefaults routeDefaults() { return {kDefaultBox, ImageFit::Cover, true}; }

    // bucket: the store of the bucket named `binding`, whose objects /image transforms.
    ImageBinding(const ServerContext &context, const QString &binding,
                 OpenedStore<BucketStore> bucket);
    ~ImageBinding() override;
    ImageBinding(const ImageBinding &) = delete;
    ImageBinding &operator=(const ImageBinding &) = delete;

    void addRoutes(Router &router) override;
    std::optional<ConfigSection> configSection() const override;
    void shutdown() override;
    ImageCacheStats cacheStats() const;

private:
    struct State;
    void handle(const ExchangePtr &exchange);

    const ServerContext &m_context;
    std::shared_ptr<State> m_state;
};

} // namespace edgedesk
