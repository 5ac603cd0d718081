#pragma once

#include "panel.h"

class QLabel;
class QProgressBar;
class QStackedWidget;
class QToolButton;
class QWebEngineProfile;
class QWebEngineView;

namespace edgedesk {

class MessageBanner;

// The Web section: the demo's web frontend at "/" in an embedded Chromium (Qt WebEngine), with
// reload and open-in-browser. The view is heavy (a renderer process), so it is created the first
// time the section is shown.
class WebPanel final : public Panel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebPanel)

public:
    explicit WebPanel(const PanelContext &context, QWidget *parent = nullptr);
    ~WebPanel() override;

    void activated() override;
    void serverReady() override;

    // Null until the section was first shown.
    QWebEngineView *view() const { return m_view; }
    void reload();
    void openInBrowser();

Q_SIGNALS:
    void pageLoaded(bool ok);

private:
    void ensureView();
    void loadHome();
    void showPlaceholder(const QString &text);

    QToolButton *m_back = nullptr;
    QToolButton *m_reload = nullptr;
    QToolButton *m_open = nullptr;
    QLabel *m_url = nullptr;
    QProgressBar *m_progress = nullptr;
    MessageBanner *m_error = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_placeholder = nullptr;
    QWebEngineProfile *m_profile = nullptr;
    QWebEngineView *m_view = nullptr;
};

} // namespace edgedesk
