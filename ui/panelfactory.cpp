#include "panelfactory.h"

#include "ai/aipanel.h"
#include "api/apipanel.h"
#include "bucket/bucketpanel.h"
#include "command/commandpanel.h"
#include "containers/containerspanel.h"
#include "image/imagepanel.h"
#include "kv/kvpanel.h"
#include "logs/logspanel.h"
#include "overview/overviewpanel.h"
#include "secrets/secretspanel.h"
#include "settings/settingspanel.h"
#include "traffic/trafficpanel.h"
#include "web/webpanel.h"

namespace edgedesk {

QList<Panel *> createPanels(const PanelContext &c, QWidget *parent)
{
    // Sidebar order; the first nine get Ctrl+1 … Ctrl+9.
    return {
        new OverviewPanel(c, parent), new ApiPanel(c, parent),     new ImagePanel(c, parent),
        new AiPanel(c, parent),       new CommandPanel(c, parent), new ContainersPanel(c, parent),
        new LogsPanel(c, parent),     new KvPanel(c, parent),      new BucketPanel(c, parent),
        new SecretsPanel(c, parent),  new TrafficPanel(c, parent), new WebPanel(c, parent),
        new SettingsPanel(c, parent),
    };
}

} // namespace edgedesk
