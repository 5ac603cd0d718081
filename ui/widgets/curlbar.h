#pragma once

#include <QWidget>

class QPlainTextEdit;
class QToolButton;

namespace edgedesk {

// The curl command equivalent to what a panel just sent (or is about to send), read-only and
// wrapped over as many lines as it needs (up to four, then it scrolls), with a "Copy as curl"
// button that puts it on the clipboard.
class CurlBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CurlBar)

public:
    explicit CurlBar(QWidget *parent = nullptr);

    void setCommand(const QString &command);
    QString command() const;
    QToolButton *copyButton() const { return m_copy; }
    QPlainTextEdit *commandView() const { return m_text; }

public Q_SLOTS:
    void copy();

Q_SIGNALS:
    void copied(const QString &command);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitHeight();

    QPlainTextEdit *m_text;
    QToolButton *m_copy;
};

} // namespace edgedesk
