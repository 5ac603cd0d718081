#pragma once

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
    QString assetsBinding = QStringLiteral("ASSETS");
    QList<ContainerClassConfig> containers;
    QList<KvNamespaceConfig> kvNamespaces;
    QList<BucketConfig> buckets;
    QJsonObject ai; // parsed by the AI binding
    QList<ServiceConfig> services;
    SecretsStoreConfig secrets;
    QStringList allowedHosts; // EdgeDesk key "allowed_hosts"
    QString kvDemoKey = QStringLiteral("greeting");
    QStringList warnings; // keys EdgeDesk does not support, never silently dropped
    QJsonObject raw;

    const ContainerClassConfig *containerByBinding(const QString &binding) const;
    QJsonObject toJson() const; // effective bindings, for GET /__edgedesk/v1/config
};

namespace ConfigLoader {
QString builtinPath();
// An empty path loads the built-in default.
Result<EdgeConfig> load(const QString &path);
Result<EdgeConfig> parse(const QByteArray &text, const QString &sourcePath);
// "10m", "30s", "1h", "500ms" or a number of seconds.
Result<qint64> parseDuration(const QJsonValue &value);
} // namespace ConfigLoader

} // namespace edgedesk
