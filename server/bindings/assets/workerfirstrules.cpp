#include "bindings/assets/workerfirstrules.h"

namespace edgedesk {

namespace {

QRegularExpression globOf(const QString &pattern)
{
    QStringList parts = pattern.split(QLatin1Char('*'));
    for (QString &part : parts)
        part = QRegularExpression::escape(part);
    return QRegularExpression(QLatin1Char('^') + parts.join(QStringLiteral(".*")) +
                              QLatin1Char('$'));
}

bool anyMatches(const QList<QRegularExpression> &patterns, const QString &path)
{
    for (const QRegularExpression &re : patterns) {
        if (re.match(path).hasMatch())
            return true;
    }
    return false;
}

} // namespace

WorkerFirstRules::WorkerFirstRules(const AssetsConfig &config) : m_all(config.workerFirst)
{
    for (const QString &pattern : config.workerFirstPatterns) {
        if (pattern.startsWith(QLatin1Char('!')))
            m_assets.append(globOf(pattern.mid(1)));
        else
            m_worker.append(globOf(pattern));
    }
}

WorkerFirstRules::Decision WorkerFirstRules::decide(const QByteArray &rawPath) const
{
    if (m_all)
        return Decision::Worker;
    if (m_assets.isEmpty() && m_worker.isEmpty())
        return Decision::AssetsIfFound;
    const QString path = QString::fromLatin1(rawPath);
    if (anyMatches(m_assets, path))
        return Decision::Assets;
    if (anyMatches(m_worker, path))
        return Decision::Worker;
    return Decision::AssetsIfFound;
}

} // namespace edgedesk
