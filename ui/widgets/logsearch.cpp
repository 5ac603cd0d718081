#include "widgets/logsearch.h"

#include <QObject>

namespace edgedesk {

LogSearch::LogSearch(const QString &text, bool regex, bool caseSensitive)
    : m_text(text), m_regex(regex), m_caseSensitive(caseSensitive)
{
    if (m_regex && !m_text.isEmpty()) {
        m_expression.setPattern(m_text);
        m_expression.setPatternOptions(caseSensitive
                                           ? QRegularExpression::NoPatternOption
                                           : QRegularExpression::CaseInsensitiveOption);
        m_expression.optimize();
    }
}

bool LogSearch::isValid() const
{
    return !m_regex || m_text.isEmpty() || m_expression.isValid();
}

QString LogSearch::error() const
{
    if (isValid())
        return {};
    return QObject::tr("%1 at position %2")
        .arg(m_expression.errorString())
        .arg(m_expression.patternErrorOffset());
}

bool LogSearch::matches(const QString &text) const
{
    if (m_text.isEmpty())
        return true;
    if (!m_regex)
        return text.contains(m_text, m_caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive);
    return m_expression.isValid() && m_expression.match(text).hasMatch();
}

QList<LogSearch::Range> LogSearch::ranges(const QString &text) const
{
    QList<Range> found;
    if (m_text.isEmpty() || !isValid())
        return found;
    if (!m_regex) {
        const Qt::CaseSensitivity cs = m_caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
        for (qsizetype at = text.indexOf(m_text, 0, cs); at >= 0;
             at = text.indexOf(m_text, at + m_text.size(), cs))
            found.append({at, m_text.size()});
        return found;
    }
    auto it = m_expression.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        if (m.capturedLength() > 0)
            found.append({m.capturedStart(), m.capturedLength()});
    }
    return found;
}

} // namespace edgedesk
