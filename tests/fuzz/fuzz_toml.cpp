// The wrangler.toml reader (config, through cpptoml) and the configuration built from its tree:
// a project's wrangler.toml is whatever its author wrote.
#include "config/edgeconfig.h"

#include <cstdint>

using namespace edgedesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString source = QStringLiteral("/fuzz/wrangler.toml");
    const auto tree = ConfigLoader::parseTree(text, source);
    if (tree.ok())
        (void)ConfigLoader::fromTree(*tree, source);
    return 0;
}
