#include "widgets/mutedlabel.h"

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
    row->addWidget(value);
    return value;
}

} // namespace edgedesk
