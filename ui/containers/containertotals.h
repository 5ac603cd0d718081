#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace edgedesk {

// One container class of GET /__edgedesk/v1/containers, counted: instances up (running, healthy
// or starting), the most it may run, and the requests its instances served.
struct ContainerTotals
{
    int up = 0;
    int max = 0;
    qint64 requests = 0;

    static bool isUp(const QString &state)
    {
        return state == QLatin1String("running") || state == QLatin1String("healthy") ||
               state == QLatin1String("starting");
    }

    static ContainerTotals of(const QJsonObject &cls)
    {
        ContainerTotals t;
        const QJsonArray instances = cls.value(QStringLiteral("instances")).toArray();
        for (const QJsonValue &v : instances) {
            const QJsonObject instance = v.toObject();
            t.requests += qint64(instance.value(QStringLiteral("requests")).toDouble());
            if (isUp(instance.value(QStringLiteral("state")).toString()))
                ++t.up;
        }
        t.max = cls.value(QStringLiteral("max_instances")).toInt(int(instances.size()));
        return t;
    }
};

} // namespace edgedesk
