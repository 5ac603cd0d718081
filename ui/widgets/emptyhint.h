#pragma once

#include <QWidget>

class QLabel;

namespace edgedesk {

// What an empty list shows instead of a blank table: an icon, a short title and one or two
// sentences saying what to do next.
class EmptyHint final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmptyHint)

public:
    explicit EmptyHint(const QString &iconName, QWidget *parent = nullptr);

    void set(const QString &title, const QString &text);
    QString title() const;
    QString text() const;

private:
    QLabel *m_icon;
    QLabel *m_title;
    QLabel *m_text;
};

} // namespace edgedesk
