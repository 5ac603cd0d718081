#pragma once

// Driving a page in Qt WebEngine by element id, for the browser suites: a shown view on an
// off-the-record profile (nothing cached between runs), its elements' text and data attributes,
// values set and buttons clicked through JavaScript.

#include "webscript.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebEnginePage>
#include <QWebEngineProfile>
#include <QWebEngineView>

#include <memory>

namespace edgedesk::test {

class PageDriver final
{
public:
    explicit PageDriver(QSize size)
        : m_profile(std::make_unique<QWebEngineProfile>()),
          m_view(std::make_unique<QWebEngineView>())
    {
        m_view->setPage(new QWebEnginePage(m_profile.get(), m_view.get()));
        m_view->resize(size);
        m_view->show();
    }
    ~PageDriver() { m_view.reset(); } // the page before its profile
    PageDriver(const PageDriver &) = delete;
    PageDriver &operator=(const PageDriver &) = delete;

    QWebEngineView *view() const { return m_view.get(); }
    QWebEnginePage *page() const { return m_view->page(); }
    bool exposed() const { return QTest::qWaitForWindowExposed(m_view.get()); }

    // Loads `url`; false when it did not load, or loaded with an HTTP error and `httpError` is
    // false (Qt WebEngine reports a 404 page as a failed load, although it shows it).
    bool open(const QUrl &url, bool httpError = false)
    {
        QSignalSpy loaded(m_view.get(), &QWebEngineView::loadFinished);
        m_view->setUrl(url);
        return loaded.wait(30000) && (httpError || loaded.first().first().toBool());
    }

    QVariant js(const QString &script) const { return runScript(page(), script); }
    bool waitFor(const QString &condition, int timeoutMs = 20000) const
    {
        return waitForScript(page(), condition, timeoutMs);
    }

    static QString quoted(const QString &text)
    {
        QString q = text;
        q.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        q.replace(QLatin1Char('\''), QStringLiteral("\\'"));
        q.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
        return QLatin1Char('\'') + q + QLatin1Char('\'');
    }
    QString text(const QString &id) const
    {
        return js(QStringLiteral("document.getElementById(%1)?.textContent ?? ''").arg(quoted(id)))
            .toString();
    }
    QString data(const QString &id, const QString &key) const
    {
        return js(QStringLiteral("document.getElementById(%1)?.dataset[%2] ?? ''")
                      .arg(quoted(id), quoted(key)))
            .toString();
    }
    bool setValue(const QString &id, const QString &value) const
    {
        return js(QStringLiteral("(() => { const e = document.getElementById(%1); e.value = %2; "
                                 "e.dispatchEvent(new Event('input', {bubbles: true})); "
                                 "e.dispatchEvent(new Event('change', {bubbles: true})); "
                                 "return e.value; })()")
                      .arg(quoted(id), quoted(value)))
                   .toString() == value;
    }
    bool click(const QString &id) const
    {
        return js(QStringLiteral("(() => { const e = document.getElementById(%1); if (!e) return "
                                 "false; e.scrollIntoView(); e.click(); return true; })()")
                      .arg(quoted(id)))
            .toBool();
    }
    // Waits until the element's data-state is "done" or "error" and returns which.
    QString waitForState(const QString &id, int timeoutMs = 30000) const
    {
        waitFor(QStringLiteral("['done','error'].includes(document.getElementById(%1)"
                               "?.dataset.state)")
                    .arg(quoted(id)),
                timeoutMs);
        return data(id, QStringLiteral("state"));
    }

private:
    std::unique_ptr<QWebEngineProfile> m_profile;
    std::unique_ptr<QWebEngineView> m_view;
};

} // namespace edgedesk::test
