#pragma once

#include <QMap>
#include <QWidget>

namespace edgedesk {

// Horizontal bars, one per instance that answered a burst of requests (plus one for failures):
// shows at a glance how the load balancer spread the requests.
class BurstChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BurstChart)

public:
    explicit BurstChart(QWidget *parent = nullptr);

    // Clears the bars for a new burst of `expected` requests.
    void reset(int expected);
    void addAnswer(const QString &instance);
    void addFailure();

    QMap<QString, int> counts() const { return m_counts; } // by instance, failures excluded
    int failures() const { return m_failures; }
    int answered() const; // answers plus failures so far
    int expected() const { return m_expected; }
    // Instances in display order (numbers inside names compared as numbers).
    QStringList instances() const;

    void setPlaceholder(const QString &text);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int rowHeight() const;

    QMap<QString, int> m_counts;
    int m_failures = 0;
    int m_expected = 0;
    QString m_placeholder;
};

} // namespace edgedesk
