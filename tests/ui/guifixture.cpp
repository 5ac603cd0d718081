#include "guifixture.h"
#include "testsupport.h"

#include <QApplication>
#include <QDir>
#include <QSignalSpy>
#include <QTest>

namespace edgedesk::test {

GuiFixture::GuiFixture(ServerOptions options)
    : m_dir(std::make_unique<QTemporaryDir>()), m_options(std::move(options))
{
    m_options.port = 0;
    if (m_options.dataDir.isEmpty())
        m_options.dataDir = m_dir->filePath(QStringLiteral("data"));
    m_options.probeOllama = false;
    m_settings = std::make_unique<AppSettings>(m_dir->filePath(QStringLiteral("settings.ini")));
    m_host = std::make_unique<ServerHost>();
    m_window = std::make_unique<MainWindow>(m_host.get(), m_settings.get(), m_options);
}

GuiFixture::~GuiFixture()
{
    m_window.reset();
    m_host->stopAndWait(5000);
}

bool GuiFixture::start(int timeoutMs)
{
    m_window->resize(1440, 900);
    m_window->show();
    QSignalSpy serving(m_host.get(), &ServerHost::serving);
    QSignalSpy failed(m_host.get(), &ServerHost::failed);
    m_window->startServer();
    if (!QTest::qWaitFor([&] { return !serving.isEmpty() || !failed.isEmpty(); }, timeoutMs)) {
        m_error = QStringLiteral("the server did not start");
        return false;
    }
    if (!failed.isEmpty()) {
        m_error = failed.first().first().toString();
        return false;
    }
    if (!QTest::qWaitForWindowExposed(m_window.get()))
        return false;
    // Shortcuts need an active window; without a window manager, activate it ourselves.
    m_window->activateWindow();
    QApplication::setActiveWindow(m_window.get());
    return QTest::qWaitForWindowActive(m_window.get());
}

bool GuiFixture::show(const QString &id)
{
    m_window->showSection(id);
    return QTest::qWaitFor([&] { return m_window->currentSection() == id; }, 5000);
}

QString GuiFixture::screenshot(const QString &name)
{
    QString dir = qEnvironmentVariable("EDGEDESK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        dir = QDir::currentPath() + QStringLiteral("/screenshots");
    QDir().mkpath(dir);
    deliverPostedEvents(); // pending layout requests, so the grab shows the settled layout
    const QString path = QDir(dir).filePath(name + QStringLiteral(".png"));
    return m_window->grab().save(path) ? path : QString();
}

} // namespace edgedesk::test
