#pragma once

#include <QString>

class QHBoxLayout;
class QLabel;
class QWidget;

namespace edgedesk {

// A caption in the muted text colour (QPalette::PlaceholderText, AA contrast in every theme).
QLabel *makeMutedLabel(const QString &text, QWidget *parent);

// Appends "caption value" to a row of result figures (status, times, sizes) and returns the
// value label, which starts as "—", can be selected and copied, and carries `objectName` for
// tests.
QLabel *addCaptionedValue(QHBoxLayout *row, const QString &caption, const QString &objectName,
                          QWidget *parent);

// A label whose text may hold a long unbreakable word (a key, a file name) must not force the
// window wider: it wraps where it can and clips the rest.
void letShrink(QLabel *label);

// A status line: `text` in the normal colour, or in red when it reports an `error` (the label's
// "error" property says which, for tests).
void showStatus(QLabel *label, const QString &text, bool error);

} // namespace edgedesk
