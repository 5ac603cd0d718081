#pragma once

#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace edgedesk {

// The top of a section panel: its title, one sentence saying what it does, and room on the
// right for chips (provider, sandbox mode...).
class SectionHeading final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SectionHeading)

public:
    SectionHeading(const QString &title, const QString &description, QWidget *parent = nullptr);

    void addTrailingWidget(QWidget *widget);
    QLabel *descriptionLabel() const { return m_description; }

private:
    QLabel *m_title;
    QLabel *m_description;
    QHBoxLayout *m_trailing;
};

} // namespace edgedesk
