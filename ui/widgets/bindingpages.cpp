#include "widgets/bindingpages.h"

#include "apiclient.h"
#include "widgets/emptyhint.h"
#include "widgets/labels.h"

#include <QLabel>
#include <QVBoxLayout>

namespace edgedesk {

BindingPages::BindingPages(const QString &iconName, const QString &waitingText, QWidget *parent)
    : QStackedWidget(parent), m_hint(new EmptyHint(iconName, this)), m_browser(new QWidget(this)),
      m_browserLayout(new QVBoxLayout(m_browser)), m_intro(new QLabel(m_browser))
{
    m_hint->set(tr("Waiting for the server…"), waitingText);
    m_browserLayout->setContentsMargins(0, 0, 0, 0);
    letShrink(m_intro);
    m_intro->setWordWrap(true);
    m_intro->setTextFormat(Qt::RichText);
    m_browserLayout->addWidget(m_intro);
    addWidget(m_hint);
    addWidget(m_browser);
}

void BindingPages::readConfig(ApiClient *api, std::function<void(const QJsonObject &)> read)
{
    api->get(QStringLiteral("/__edgedesk/v1/config"), this,
             [this, read = std::move(read)](const ApiResponse &r) {
                 if (!r.ok()) {
                     showHint(tr("Cannot read the configuration"), r.describeError());
                     return;
                 }
                 read(r.json());
             });
}

void BindingPages::showHint(const QString &title, const QString &text)
{
    m_hint->set(title, text);
    setCurrentWidget(m_hint);
}

void BindingPages::showBrowser(const QString &introHtml)
{
    m_intro->setText(introHtml);
    setCurrentWidget(m_browser);
}

bool BindingPages::isBrowsing() const
{
    return currentWidget() == m_browser;
}

} // namespace edgedesk
