// The JSONC reader (config/jsonc) and the configuration built from what it reads
// (config/edgeconfig): a project's wrangler.jsonc is whatever its author wrote.
#include "config/edgeconfig.h"
#include "config/jsonc.h"

#include <QJsonDocument>

#include <cstdint>
#include <cstdlib>

using namespace edgedesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));

    // toStrictJson promises that offsets and line numbers do not move (errors point into the
    // original text): same size, and every newline where it was.
    QString error;
    const QByteArray strict = Jsonc::toStrictJson(text, &error);
    if (error.isEmpty()) {
        if (strict.size() != text.size())
            std::abort();
        for (qsizetype i = 0; i < text.size(); ++i) {
            if ((text[i] == '\n') != (strict[i] == '\n'))
                std::abort();
        }
    }

    const auto parsed = Jsonc::parse(text);
    if (parsed.ok()) {
        // What it read is plain JSON that reads back the same.
        const QByteArray again = parsed->toJson(QJsonDocument::Compact);
        if (QJsonDocument::fromJson(again) != *parsed)
            std::abort();
        (void)ConfigLoader::parse(text, QStringLiteral("/fuzz/wrangler.jsonc"));
    }
    return 0;
}
