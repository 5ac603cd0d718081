#pragma once

#include <QSortFilterProxyModel>
#include <QString>

namespace edgedesk {

class TrafficModel;

// Which requests the Traffic table shows: a text filter (path, route, method, status,
// instance), errors only (status ≥ 400), and whether the control API's own requests (the
// panels polling /__edgedesk/v1) are listed. Sorts by time with arrival order breaking ties.
class TrafficFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficFilterModel)

public:
    explicit TrafficFilterModel(QObject *parent = nullptr);

    void setTrafficModel(TrafficModel *model);
    void setText(const QString &text);
    QString text() const { return m_text; }
    void setErrorsOnly(bool on);
    bool errorsOnly() const { return m_errorsOnly; }
    void setShowControlApi(bool on);
    bool showControlApi() const { return m_showControl; }

    static bool isControlApi(const QString &path);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    TrafficModel *m_traffic = nullptr;
    QString m_text;
    bool m_errorsOnly = false;
    bool m_showControl = false;
};

} // namespace edgedesk
