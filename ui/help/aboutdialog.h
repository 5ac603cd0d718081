#pragma once

#include <QDialog>

class QLabel;

namespace edgedesk {

class ServerHost;

// Help → About EdgeDesk: version, the Qt it runs on, the data folder and the project.
class AboutDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    explicit AboutDialog(const ServerHost *host, QWidget *parent = nullptr);
    QLabel *details() const { return m_details; }
    static QString version();

private:
    QLabel *m_details;
};

} // namespace edgedesk
