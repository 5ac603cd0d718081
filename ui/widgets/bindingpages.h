#pragma once

#include <QStackedWidget>

#include <functional>

class QJsonObject;
class QLabel;
class QVBoxLayout;

namespace edgedesk {

class ApiClient;
class EmptyHint;

// A storage section (KV, Bucket, Secrets) as two pages: a hint while there is nothing to browse
// (the server is not serving yet, no such binding is configured, the configuration cannot be
// read), and the browser, headed by one line saying what the binding is.
class BindingPages final : public QStackedWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BindingPages)

public:
    // `waitingText` says what appears once the server serves ("The keys appear as soon as...").
    BindingPages(const QString &iconName, const QString &waitingText, QWidget *parent = nullptr);

    // The browser page and its layout, below the intro line.
    QWidget *browser() const { return m_browser; }
    QVBoxLayout *browserLayout() const { return m_browserLayout; }
    QLabel *intro() const { return m_intro; }

    // GET /__edgedesk/v1/config, then `read(config)`; an unreadable configuration is shown as
    // the hint.
    void readConfig(ApiClient *api, std::function<void(const QJsonObject &config)> read);

    void showHint(const QString &title, const QString &text);
    // Shows the browser with `introHtml` as its first line.
    void showBrowser(const QString &introHtml);
    bool isBrowsing() const;

private:
    EmptyHint *m_hint;
    QWidget *m_browser;
    QVBoxLayout *m_browserLayout;
    QLabel *m_intro;
};

} // namespace edgedesk
