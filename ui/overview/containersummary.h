#pragma once

#include <QGroupBox>

class QJsonObject;
class QLabel;

namespace edgedesk {

// Each container class in a few words: how many instances run of how many, the requests they
// served, and every instance with a coloured dot for its state; a button opens Containers.
class ContainerSummary final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ContainerSummary)

public:
    explicit ContainerSummary(QWidget *parent);

    // Shows a GET /__edgedesk/v1/containers answer.
    void apply(const QJsonObject &status);
    void showText(const QString &text);
    QLabel *label() const { return m_summary; }

Q_SIGNALS:
    void openRequested();

private:
    QLabel *m_summary = nullptr;
};

} // namespace edgedesk
