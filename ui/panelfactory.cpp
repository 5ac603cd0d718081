#include "panelfactory.h"

// Sections land one by one; each is listed once its panel exists.
#if __has_include("overview/overviewpanel.h")
#include "overview/overviewpanel.h"
#define EDGEDESK_HAS_OVERVIEW
#endif
#if __has_include("api/apipanel.h")
#include "api/apipanel.h"
#define EDGEDESK_HAS_API
#endif
#if __has_include("image/imagepanel.h")
#include "image/imagepanel.h"
#define EDGEDESK_HAS_IMAGE
#endif
#if __has_include("ai/aipanel.h")
#include "ai/aipanel.h"
#define EDGEDESK_HAS_AI
#endif
#if __has_include("command/commandpanel.h")
#include "command/commandpanel.h"
#define EDGEDESK_HAS_COMMAND
#endif
#if __has_include("containers/containerspanel.h")
#include "containers/containerspanel.h"
#define EDGEDESK_HAS_CONTAINERS
#endif
#if __has_include("logs/logspanel.h")
#include "logs/logspanel.h"
#define EDGEDESK_HAS_LOGS
#endif
#if __has_include("kv/kvpanel.h")
#include "kv/kvpanel.h"
#define EDGEDESK_HAS_KV
#endif
#if __has_include("bucket/bucketpanel.h")
#include "bucket/bucketpanel.h"
#define EDGEDESK_HAS_BUCKET
#endif
#if __has_include("secrets/secretspanel.h")
#include "secrets/secretspanel.h"
#define EDGEDESK_HAS_SECRETS
#endif
#if __has_include("traffic/trafficpanel.h")
#include "traffic/trafficpanel.h"
#define EDGEDESK_HAS_TRAFFIC
#endif
#if __has_include("web/webpanel.h")
#include "web/webpanel.h"
#define EDGEDESK_HAS_WEB
#endif
#if __has_include("settings/settingspanel.h")
#include "settings/settingspanel.h"
#define EDGEDESK_HAS_SETTINGS
#endif

namespace edgedesk {

QList<Panel *> createPanels(const PanelContext &c, QWidget *parent)
{
    QList<Panel *> panels;
#ifdef EDGEDESK_HAS_OVERVIEW
    panels.append(new OverviewPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_API
    panels.append(new ApiPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_IMAGE
    panels.append(new ImagePanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_AI
    panels.append(new AiPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_COMMAND
    panels.append(new CommandPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_CONTAINERS
    panels.append(new ContainersPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_LOGS
    panels.append(new LogsPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_KV
    panels.append(new KvPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_BUCKET
    panels.append(new BucketPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_SECRETS
    panels.append(new SecretsPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_TRAFFIC
    panels.append(new TrafficPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_WEB
    panels.append(new WebPanel(c, parent));
#endif
#ifdef EDGEDESK_HAS_SETTINGS
    panels.append(new SettingsPanel(c, parent));
#endif
    return panels;
}

} // namespace edgedesk
