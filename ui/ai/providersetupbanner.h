#pragma once

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace edgedesk {

// What the AI section says while no provider is configured: one sentence, a "Set up a
// provider" button that opens Settings (which writes the configuration and restarts), and the
// server's own explanation with its configuration snippet folded away under "Details".
class ProviderSetupBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProviderSetupBanner)

public:
    explicit ProviderSetupBanner(QWidget *parent = nullptr);

    // Shows the banner; `details` is the server's message (with the snippet), folded.
    void showNoProvider(const QString &details = {});
    QString details() const;
    bool detailsShown() const;

    QPushButton *setupButton() const { return m_setup; }
    QToolButton *detailsButton() const { return m_toggle; }

Q_SIGNALS:
    void setupRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void restyle();
    void setDetailsShown(bool shown);

    QLabel *m_text;
    QPushButton *m_setup;
    QToolButton *m_toggle;
    QPlainTextEdit *m_details;
    bool m_restyling = false;
};

} // namespace edgedesk
