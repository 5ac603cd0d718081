#include "widgets/labels.h"

#include "widgets/themecolors.h"

#include <QHBoxLayout>
#include <QLabel>

namespace edgedesk {

QLabel *makeMutedLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    // The palette's muted role, which Theme keeps at AA contrast and which follows a theme
    // switch (a colour copied into the label's own palette would not).
    label->setForegroundRole(QPalette::PlaceholderText);
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
    const QColor red = ThemeColors::toneText(ThemeColors::Tone::Bad,
                                             label->palette().color(QPalette::Window));
    label->setStyleSheet(error ? QStringLiteral("color: %1;").arg(red.name()) : QString());
}

} // namespace edgedesk
