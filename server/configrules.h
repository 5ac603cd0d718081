#pragma once

#include "util/result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace edgedesk {

// The server's rules for a configuration, for a program that edits one (the desktop's Settings
// section) without reaching into the loader, the AI binding or the secrets store: every check
// here is the one the server itself applies when it starts.
namespace ConfigRules {

// What the server uses for a provider ("openai", "workers-ai") when a field is left empty.
struct AiDefaults
{
    QString baseUrl;
    QString model;     // empty: the provider has no default model
    QString keySecret; // the secret the API key is read from; empty: none is assumed
};
AiDefaults aiDefaults(const QString &provider);

QString builtinConfigPath();
// A configuration file's JSON tree (comments and trailing commas allowed); an empty path reads
// the built-in default.
Result<QJsonObject> read(const QString &path);
// `root` loaded exactly as the server would load it from `sourcePath`: every binding and the
// "ai" block. The error names the offending field.
Status check(const QJsonObject &root, const QString &sourcePath);

// One field at a time, for a form that marks the field at fault.
Status checkDuration(const QJsonValue &value); // "30s", "10m", "1h", "500ms" or seconds
Status checkSecretName(const QString &name);
bool isValidModelName(const QString &model);

} // namespace ConfigRules

} // namespace edgedesk
