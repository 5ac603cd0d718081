#pragma once

#include "config/assetsconfig.h"
#include "util/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace edgedesk {

struct ContainerClassConfig
{
    QString className; // "GoBackend"
    QString binding;   // "BACKEND" (from durable_objects.bindings)
    QString image;     // "api-backend", "command-runner" or a program path
    QString url;       // instead of image: instances that already run elsewhere
    int maxInstances = 1;
    QString instanceType = QStringLiteral("basic");
    qint64 sleepAfterMs = 10 * 60 * 1000;
    QJsonObject env;
    QString commandNetwork = QStringLiteral("none"); // command-runner: "none" or "host"
    QString sandbox = QStringLiteral("bubblewrap");  // or "none" (loudly unsandboxed)
    QJsonObject raw;
};

struct KvNamespaceConfig
{
    QString binding;
    QString id;
};

struct BucketConfig
{
    QString binding;
    QString bucketName;
};

struct ServiceConfig
{
    QString binding;
    QString service;
    QString url; // optional: proxy to an HTTP service instead of the built-in one
};

struct SecretsStoreConfig
{
    QString binding;
    QString storeId;
    QStringList secretNames;
};

// The configuration, typed. Loaded from a wrangler.jsonc-style file or the built-in default.
struct EdgeConfig
{
    QString name;
    QString sourcePath; // ":/edgedesk/wrangler.jsonc" for the built-in one
    QString compatibilityDate;
    AssetsConfig assets;
    QList<ContainerClassConfig> containers;
    QList<KvNamespaceConfig> kvNamespaces;
    QList<BucketConfig> buckets;
    QJsonObject ai; // parsed by the AI binding
    QList<ServiceConfig> services;
    SecretsStoreConfig secrets;
    QStringList allowedHosts; // EdgeDesk key "allowed_hosts"
    QString kvDemoKey = QStringLiteral("demo-key"); // what GET /kv reads, as the demo's Worker
    QStringList warnings; // keys EdgeDesk does not support, never silently dropped
    QJsonObject raw;

    const ContainerClassConfig *containerByBinding(const QString &binding) const;
    QJsonObject toJson() const; // effective bindings, for GET /__edgedesk/v1/config
};

// Configurations are read in two steps: the file (wrangler.jsonc, wrangler.json or
// wrangler.toml) into a JSON tree whose relative paths are made absolute against the file's
// folder, then that tree into an EdgeConfig by one mapping, whatever the file's syntax.
namespace ConfigLoader {
QString builtinPath();
// An empty path loads the built-in default.
Result<EdgeConfig> load(const QString &path);
// `sourcePath` names the syntax (".toml": TOML, else JSONC) and the folder paths resolve against.
Result<EdgeConfig> parse(const QByteArray &text, const QString &sourcePath);
// The file's tree, paths resolved; syntax errors as "<path>: line N, column M: ...".
Result<QJsonObject> readTree(const QString &path);
Result<QJsonObject> parseTree(const QByteArray &text, const QString &sourcePath);
Result<EdgeConfig> fromTree(const QJsonObject &root, const QString &sourcePath);
// assets.directory and program paths given as containers[].image, made absolute against
// `folder` (a copy of a configuration saved elsewhere keeps pointing at the same files).
QJsonObject resolvePaths(QJsonObject root, const QString &folder);
// "10m", "30s", "1h", "500ms" or a number of seconds.
Result<qint64> parseDuration(const QJsonValue &value);
} // namespace ConfigLoader

} // namespace edgedesk
