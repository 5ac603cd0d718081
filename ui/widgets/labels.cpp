#include "widgets/labels.h"

#include <QHBoxLayout>
#include <QLabel>

namespace edgedesk {

QLabel *makeMutedLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QPalette muted = label->palette();
    QColor colour = muted.color(QPalette::WindowText);
    colour.setAlphaF(0.65);
    muted.setColor(QPalette::WindowText, colour);
    label->setPalette(muted);
    return label;
}

QLabel *addCaptionedValue(QHBoxLayout *row, const QString &caption, const QString &objectName,
                          QWidget *parent)
{
    row->addSpacing(10);
    row->addWidget(makeMutedLabel(caption, parent));
    auto *value = new QLabel(QStringLiteral("—"), parent);
    value->setObjectName(objectName);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(value);
    return value;
}

void letShrink(QLabel *label)
{
    QSizePolicy policy = label->sizePolicy();
    policy.setHorizontalPolicy(QSizePolicy::Ignored);
    label->setSizePolicy(policy);
}

void showStatus(QLabel *label, const QString &text, bool error)
{
    label->setText(text);
    label->setProperty("error", error);
    label->setStyleSheet(error ? QStringLiteral("color: #d64545;") : QString());
}

} // namespace edgedesk
