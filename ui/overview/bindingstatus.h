#pragma once

#include "widgets/statusbadge.h"

#include <QGroupBox>
#include <QHash>
#include <QJsonObject>
#include <QStringList>

#include <functional>

class QGridLayout;
class QLabel;

namespace edgedesk {

class ApiClient;
struct ApiResponse;

// Every binding of the configuration with its state, found by asking it (a KV listing, a bucket
// listing, the secrets list), and for what is not working how to fix it, with a link to the
// section that does.
class BindingStatus final : public QGroupBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BindingStatus)

public:
    BindingStatus(ApiClient *api, QWidget *parent);

    // Lays the rows out for GET /__edgedesk/v1/config and probes each binding.
    void applyConfig(const QJsonObject &config);
    // Container rows from GET /__edgedesk/v1/containers.
    void applyContainers(const QJsonObject &status);
    void containersUnavailable(const QString &reason);
    void showConfigError(const QString &message);

    // A row's badge text ("ready", "idle", ...) and detail; empty when there is no such row.
    QString state(const QString &name) const;
    QString detail(const QString &name) const;

Q_SIGNALS:
    // A "how to fix" link asks for another section.
    void showSection(const QString &id);

private:
    struct Row
    {
        QLabel *name = nullptr;
        QLabel *kind = nullptr;
        StatusBadge *badge = nullptr;
        QLabel *detail = nullptr;
    };

    Row &row(const QString &name, const QString &kind);
    void setRow(const QString &name, const QString &text, StatusBadge::Tone tone,
                const QString &detail);
    void probe(const QString &name, const QString &path,
               std::function<QString(const ApiResponse &)> describe);
    void relayout(const QJsonObject &config);
    void addStorageRows(const QJsonObject &config);
    void addAiAndSecrets(const QJsonObject &config);

    ApiClient *m_api;
    QJsonObject m_config;
    QGridLayout *m_grid = nullptr;
    QLabel *m_configNote = nullptr;
    QHash<QString, Row> m_rows;
    QStringList m_rowOrder;
};

} // namespace edgedesk
