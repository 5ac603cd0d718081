#include "widgets/sectionheading.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace edgedesk {

SectionHeading::SectionHeading(const QString &title, const QString &description, QWidget *parent)
    : QWidget(parent), m_title(new QLabel(title, this)),
      m_description(new QLabel(description, this)), m_trailing(new QHBoxLayout)
{
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_description->setWordWrap(true);
    m_description->setTextFormat(Qt::RichText);
    m_description->setOpenExternalLinks(false);
    m_description->setForegroundRole(QPalette::PlaceholderText);

    auto *text_ = new QVBoxLayout;
    text_->setSpacing(2);
    text_->addWidget(m_title);
    text_->addWidget(m_description);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 6);
    layout->addLayout(text_, 1);
    m_trailing->setSpacing(6);
    layout->addLayout(m_trailing);
    layout->setAlignment(m_trailing, Qt::AlignTop | Qt::AlignRight);
}

void SectionHeading::addTrailingWidget(QWidget *widget)
{
    widget->setParent(this);
    m_trailing->addWidget(widget);
}

} // namespace edgedesk
