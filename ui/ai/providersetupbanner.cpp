#include "ai/providersetupbanner.h"

#include "panel.h"
#include "widgets/themecolors.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace edgedesk {

ProviderSetupBanner::ProviderSetupBanner(QWidget *parent)
    : QFrame(parent), m_text(new QLabel(this)), m_setup(new QPushButton(this)),
      m_toggle(new QToolButton(this)), m_details(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("aiSetupBanner"));
    m_text->setObjectName(QStringLiteral("aiSetupText"));
    m_text->setWordWrap(true);
    m_text->setText(tr("No AI provider is configured, so /ai answers 503. Choose Workers AI or "
                       "an OpenAI-compatible server (Ollama, llama.cpp, vLLM) in Settings."));
    m_setup->setObjectName(QStringLiteral("aiSetupProvider"));
    m_setup->setText(tr("Set up a provider"));
    m_setup->setIcon(Panel::themedIcon(QStringLiteral("settings")));
    m_setup->setToolTip(tr("Open Settings: choose a provider, apply, and the server restarts"));
    m_toggle->setObjectName(QStringLiteral("aiSetupDetails"));
    m_toggle->setText(tr("Details"));
    m_toggle->setToolTip(tr("What the server says, with the configuration it expects"));
    m_toggle->setCheckable(true);
    m_toggle->setAutoRaise(true);
    m_toggle->setArrowType(Qt::RightArrow);
    m_toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_details->setObjectName(QStringLiteral("aiSetupSnippet"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    m_details->setAccessibleName(tr("Provider configuration details"));
    m_details->setMaximumHeight(fontMetrics().lineSpacing() * 7);
    m_details->setVisible(false);

    auto *top = new QHBoxLayout;
    top->addWidget(m_text, 1);
    top->addWidget(m_setup, 0, Qt::AlignVCenter);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 6);
    layout->setSpacing(4);
    layout->addLayout(top);
    layout->addWidget(m_toggle, 0, Qt::AlignLeft);
    layout->addWidget(m_details);

    connect(m_setup, &QPushButton::clicked, this, &ProviderSetupBanner::setupRequested);
    connect(m_toggle, &QToolButton::toggled, this, &ProviderSetupBanner::setDetailsShown);
    restyle();
    hide();
}

void ProviderSetupBanner::showNoProvider(const QString &details)
{
    if (!details.isEmpty())
        m_details->setPlainText(details);
    m_toggle->setVisible(!m_details->toPlainText().isEmpty());
    show();
}

QString ProviderSetupBanner::details() const
{
    return m_details->toPlainText();
}

bool ProviderSetupBanner::detailsShown() const
{
    return m_toggle->isChecked();
}

void ProviderSetupBanner::setDetailsShown(bool shown)
{
    m_toggle->setArrowType(shown ? Qt::DownArrow : Qt::RightArrow);
    m_details->setVisible(shown);
}

void ProviderSetupBanner::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_restyling)
        restyle();
}

void ProviderSetupBanner::restyle()
{
    // The warning accent over the window colour, as MessageBanner tints its messages.
    const QPalette base = parentWidget() ? parentWidget()->palette() : palette();
    const QColor window = base.color(QPalette::Window);
    const QColor accent = ThemeColors::badgeFill(ThemeColors::Tone::Warning);
    const QColor wash = ThemeColors::tint(window, accent);
    m_restyling = true;
    setStyleSheet(QStringLiteral("QFrame#aiSetupBanner { background: %1; border: 1px solid %2; "
                                 "border-left: 4px solid %2; border-radius: 6px; }")
                      .arg(wash.name(), accent.name()));
    m_restyling = false;
}

} // namespace edgedesk
