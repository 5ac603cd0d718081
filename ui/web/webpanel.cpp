#include "web/webpanel.h"

#include "apiclient.h"
#include "serverhost.h"
#include "widgets/messagebanner.h"
#include "widgets/sectionheading.h"

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineView>

namespace edgedesk {

WebPanel::WebPanel(const PanelContext &context, QWidget *parent)
    : Panel(QStringLiteral("web"), tr("Web"), QStringLiteral("web"), context, parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new SectionHeading(
        tr("Web"),
        tr("The demo's web frontend, served at <code>/</code> by the same router. Every button "
           "on the page calls the local routes."),
        this));

    auto *bar = new QHBoxLayout;
    bar->setSpacing(4);
    auto makeButton = [this](const QString &icon, const QString &text, const QString &tip,
                             const QString &name) {
        auto *button = new QToolButton(this);
        button->setObjectName(name);
        button->setIcon(Panel::themedIcon(icon));
        button->setText(text);
        button->setToolTip(tip);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setAutoRaise(true);
        return button;
    };
    m_reload = makeButton(QStringLiteral("refresh"), tr("Reload"), tr("Reload the page (F5)"),
                          QStringLiteral("webReload"));
    m_open = makeButton(QStringLiteral("open-external"), tr("Open in browser"),
                        tr("Open the page in the system's web browser"), QStringLiteral("webOpen"));
    m_url = new QLabel(this);
    m_url->setObjectName(QStringLiteral("webUrl"));
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar->addWidget(m_reload);
    bar->addWidget(m_url, 1);
    bar->addWidget(m_open);
    layout->addLayout(bar);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("webProgress"));
    m_progress->setRange(0, 100);
    m_progress->setTextVisible(false);
    m_progress->setFixedHeight(3);
    m_progress->setVisible(false);
    layout->addWidget(m_progress);
    m_error = new MessageBanner(this);
    m_error->setObjectName(QStringLiteral("webError"));
    layout->addWidget(m_error);

    m_stack = new QStackedWidget(this);
    m_placeholder = new QLabel(m_stack);
    m_placeholder->setObjectName(QStringLiteral("webPlaceholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_stack->addWidget(m_placeholder);
    layout->addWidget(m_stack, 1);
    showPlaceholder(tr("The page loads when the server is serving."));

    connect(m_reload, &QToolButton::clicked, this, &WebPanel::reload);
    connect(m_open, &QToolButton::clicked, this, &WebPanel::openInBrowser);
    addShortcut(QKeySequence::Refresh, [this] { reload(); });
    m_reload->setEnabled(false);
    m_open->setEnabled(false);
}

WebPanel::~WebPanel()
{
    // The page must go before its profile, or WebEngine warns and may crash at exit.
    delete m_view;
    m_view = nullptr;
    delete m_profile;
}

void WebPanel::showPlaceholder(const QString &text)
{
    m_placeholder->setText(text);
    m_stack->setCurrentWidget(m_placeholder);
}

void WebPanel::ensureView()
{
    if (m_view)
        return;
    // Off the record: the page always comes fresh from the local server, and nothing is
    // written to the user's browser profile.
    m_profile = new QWebEngineProfile(this);
    m_view = new QWebEngineView(m_stack);
    m_view->setObjectName(QStringLiteral("webView"));
    auto *page = new QWebEnginePage(m_profile, m_view);
    m_view->setPage(page);
    m_stack->addWidget(m_view);
    connect(m_view, &QWebEngineView::loadStarted, this, [this] {
        m_progress->setValue(0);
        m_progress->setVisible(true);
    });
    connect(m_view, &QWebEngineView::loadProgress, m_progress, &QProgressBar::setValue);
    connect(m_view, &QWebEngineView::loadFinished, this, [this](bool ok) {
        m_progress->setVisible(false);
        if (ok) {
            m_error->clear();
        } else {
            m_error->showMessage(MessageBanner::Tone::Error,
                                 tr("The page at %1 did not load. Is the server serving?")
                                     .arg(m_view->url().toString()));
        }
        Q_EMIT pageLoaded(ok);
    });
    connect(m_view, &QWebEngineView::urlChanged, this,
            [this](const QUrl &url) { m_url->setText(url.toString()); });
    connect(page, &QWebEnginePage::renderProcessTerminated, this,
            [this](QWebEnginePage::RenderProcessTerminationStatus status, int code) {
                if (status == QWebEnginePage::NormalTerminationStatus)
                    return;
                m_error->showMessage(MessageBanner::Tone::Error,
                                     tr("The page's renderer stopped (code %1). Reload to start "
                                        "it again.")
                                         .arg(code));
            });
}

void WebPanel::loadHome()
{
    const QUrl base = context().api->baseUrl();
    if (!base.isValid() || !context().host || !context().host->isServing()) {
        showPlaceholder(tr("The page loads when the server is serving."));
        return;
    }
    m_reload->setEnabled(true);
    m_open->setEnabled(true);
    m_stack->setCurrentWidget(m_view);
    m_view->setUrl(base.resolved(QUrl(QStringLiteral("/"))));
}

void WebPanel::activated()
{
    const bool created = m_view != nullptr;
    ensureView();
    if (!created || m_view->url().isEmpty())
        loadHome();
}

void WebPanel::serverReady()
{
    m_url->setText(context().api->baseUrl().toString());
    m_open->setEnabled(true);
    // A view that exists follows the server to its new address; otherwise it waits until shown.
    if (m_view)
        loadHome();
}

void WebPanel::reload()
{
    if (!m_view) {
        activated();
        return;
    }
    if (m_view->url().isEmpty() || m_view->url().port() != context().api->baseUrl().port())
        loadHome();
    else
        m_view->reload();
}

void WebPanel::openInBrowser()
{
    const QUrl url = m_view && !m_view->url().isEmpty()
                         ? m_view->url()
                         : context().api->baseUrl().resolved(QUrl(QStringLiteral("/")));
    if (url.isValid())
        QDesktopServices::openUrl(url);
}

} // namespace edgedesk
