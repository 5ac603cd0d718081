#include "help/aboutdialog.h"

#include "serverhost.h"

#if __has_include("edgedesk/version.h")
#include "edgedesk/version.h"
#endif

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QIcon>
#include <QLabel>
#include <QVBoxLayout>

namespace edgedesk {

QString AboutDialog::version()
{
#ifdef EDGEDESK_VERSION
    return QStringLiteral(EDGEDESK_VERSION);
#else
    return QCoreApplication::applicationVersion();
#endif
}

AboutDialog::AboutDialog(const ServerHost *host, QWidget *parent)
    : QDialog(parent), m_details(new QLabel(this))
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About EdgeDesk"));
    auto *layout = new QVBoxLayout(this);
    auto *icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/edgedesk/icons/edgedesk.svg")).pixmap(64, 64));
    layout->addWidget(icon, 0, Qt::AlignHCenter);

    const ServerOptions &options = host->options();
    QString project;
    if (!options.projectDir.isEmpty())
        project = QDir::toNativeSeparators(options.projectDir);
    else if (!options.configPath.isEmpty())
        project = QDir::toNativeSeparators(options.configPath);
    else
        project = tr("the built-in demo");
    const QString configName = host->config().name;
    const QString dataDir = host->dataDir().isEmpty()
                                ? tr("not open yet (the server is not running)")
                                : QDir::toNativeSeparators(host->dataDir());
    m_details->setObjectName(QStringLiteral("aboutDetails"));
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setText(
        tr("<h3>EdgeDesk %1</h3>"
           "<p>A local edge-stack workbench: the router, containers, KV, bucket, AI, secrets "
           "and the web frontend of an edge application, on this machine.</p>"
           "<table cellspacing=4>"
           "<tr><td>Qt</td><td>%2 (built with %3)</td></tr>"
           "<tr><td>Project</td><td>%4%5</td></tr>"
           "<tr><td>Data folder</td><td>%6</td></tr>"
           "</table>")
            .arg(version().toHtmlEscaped(), QString::fromLatin1(qVersion()),
                 QStringLiteral(QT_VERSION_STR), project.toHtmlEscaped(),
                 configName.isEmpty() ? QString()
                                      : QStringLiteral(" — %1").arg(configName.toHtmlEscaped()),
                 dataDir.toHtmlEscaped()));
    layout->addWidget(m_details);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace edgedesk
