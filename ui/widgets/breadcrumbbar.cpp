#include "widgets/breadcrumbbar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace edgedesk {

BreadcrumbBar::BreadcrumbBar(QWidget *parent) : QWidget(parent), m_layout(new QHBoxLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(2);
    // A deep path clips instead of widening the window.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
}

void BreadcrumbBar::setPath(const QString &root, const QString &prefix)
{
    m_prefix = prefix;
    while (QLayoutItem *item = m_layout->takeAt(0)) {
        if (QWidget *w = item->widget())
            w->deleteLater();
        delete item;
    }
    QStringList parts = prefix.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QString crumbPrefix;
    for (int i = -1; i < parts.size(); ++i) {
        if (i >= 0) {
            auto *separator = new QLabel(QStringLiteral("›"), this);
            separator->setForegroundRole(QPalette::PlaceholderText);
            m_layout->addWidget(separator);
            crumbPrefix += parts[i] + QLatin1Char('/');
        }
        auto *button = new QToolButton(this);
        const QString text = i < 0 ? root : parts[i];
        // Long folder names are shortened; the full name stays in the tooltip.
        button->setText(text.size() > 32 ? text.left(30) + QStringLiteral("…") : text);
        button->setToolTip(crumbPrefix.isEmpty() ? root : root + QLatin1Char('/') + crumbPrefix);
        button->setAutoRaise(true);
        button->setObjectName(QStringLiteral("crumb:") + crumbPrefix);
        button->setProperty("prefix", crumbPrefix);
        const bool last = i == parts.size() - 1;
        if (last) {
            QFont f = button->font();
            f.setWeight(QFont::DemiBold);
            button->setFont(f);
        }
        const QString target = crumbPrefix;
        connect(button, &QToolButton::clicked, this,
                [this, target] { Q_EMIT prefixChosen(target); });
        m_layout->addWidget(button);
    }
    m_layout->addStretch(1);
}

QStringList BreadcrumbBar::crumbPrefixes() const
{
    QStringList out;
    for (int i = 0; i < m_layout->count(); ++i) {
        if (auto *b = qobject_cast<QToolButton *>(m_layout->itemAt(i)->widget()))
            out.append(b->property("prefix").toString());
    }
    return out;
}

} // namespace edgedesk
