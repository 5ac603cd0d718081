#include "widgets/emptyhint.h"

#include "panel.h"
#include "widgets/labels.h"

#include <QLabel>
#include <QVBoxLayout>

namespace edgedesk {

EmptyHint::EmptyHint(const QString &iconName, QWidget *parent)
    : QWidget(parent), m_icon(new QLabel(this)), m_title(new QLabel(this)), m_text(new QLabel(this))
{
    setObjectName(QStringLiteral("emptyHint"));
    const int side = fontMetrics().height() * 3;
    m_icon->setPixmap(Panel::themedIcon(iconName).pixmap(side, side));
    m_icon->setAlignment(Qt::AlignCenter);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    letShrink(m_title);
    letShrink(m_text);
    // Dimmed but still readable in both light and dark palettes.
    m_icon->setForegroundRole(QPalette::PlaceholderText);
    m_text->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 24, 24, 24);
    layout->addStretch(1);
    layout->addWidget(m_icon);
    layout->addSpacing(6);
    layout->addWidget(m_title);
    layout->addWidget(m_text);
    layout->addStretch(2);
}

void EmptyHint::set(const QString &title, const QString &text)
{
    m_title->setText(title);
    m_text->setText(text);
    m_text->setVisible(!text.isEmpty());
}

QString EmptyHint::title() const
{
    return m_title->text();
}

QString EmptyHint::text() const
{
    return m_text->text();
}

} // namespace edgedesk
