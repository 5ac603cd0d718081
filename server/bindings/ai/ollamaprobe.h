#pragma once

#include "bindings/ai/aiconfig.h"

#include <QString>

#include <optional>

namespace edgedesk {

// Asks an Ollama server for its models (GET {baseUrl}/api/tags) and returns the first model's
// name, or nothing when no Ollama answers within `timeoutMs` or it has no model. Blocking: run
// it on a worker thread (once, at start, when the config names no AI provider); the effective
// config is then AiConfig::withOllama(baseUrl, model).
std::optional<QString>
probeOllama(const QString &baseUrl = QString::fromLatin1(kOllamaDefaultBaseUrl),
            int timeoutMs = 300);

} // namespace edgedesk
