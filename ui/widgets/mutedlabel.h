#pragma once

#include <QString>

class QHBoxLayout;
class QLabel;
class QWidget;

namespace edgedesk {

// A caption in the palette's text colour at 65% opacity: reads as secondary on light and dark.
QLabel *makeMutedLabel(const QString &text, QWidget *parent);

// Appends "caption value" to a row of result figures (status, times, sizes) and returns the
// value label, which starts as "—" and carries `objectName` for tests.
QLabel *addCaptionedValue(QHBoxLayout *row, const QString &caption, const QString &objectName,
                          QWidget *parent);

} // namespace edgedesk
