#pragma once

#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

namespace edgedesk {

// "Running… 1.24 s" with a spinning arc: shown while a request is in flight so the user sees
// that something is happening and for how long. Hidden when idle.
class ElapsedIndicator final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ElapsedIndicator)

public:
    explicit ElapsedIndicator(QWidget *parent = nullptr);

    void start(const QString &label);
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    qint64 elapsedMs() const { return m_clock.isValid() ? m_clock.elapsed() : 0; }
    // What the indicator reads right now ("Running… 1.24 s").
    QString text() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_label;
    QElapsedTimer m_clock;
    QTimer m_timer;
    int m_angle = 0;
};

} // namespace edgedesk
