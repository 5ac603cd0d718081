#pragma once

#include <QList>
#include <QRegularExpression>
#include <QString>

namespace edgedesk {

// What the log search looks for: plain text or a regular expression, with or without case. The
// filter and the highlight use the same matcher, so what is marked is what let the line through.
class LogSearch final
{
public:
    struct Range
    {
        qsizetype start = 0;
        qsizetype length = 0;
    };

    LogSearch() = default;
    LogSearch(const QString &text, bool regex, bool caseSensitive);

    QString text() const { return m_text; }
    bool isRegex() const { return m_regex; }
    bool isCaseSensitive() const { return m_caseSensitive; }
    // Nothing to look for: every line matches, nothing is marked.
    bool isEmpty() const { return m_text.isEmpty(); }
    // A regular expression that does not compile matches nothing; error() says why.
    bool isValid() const;
    QString error() const;

    bool matches(const QString &text) const;
    // Every match in `text`, in order, without overlaps; empty matches are skipped.
    QList<Range> ranges(const QString &text) const;

    bool operator==(const LogSearch &other) const
    {
        return m_text == other.m_text && m_regex == other.m_regex &&
               m_caseSensitive == other.m_caseSensitive;
    }

private:
    QString m_text;
    bool m_regex = false;
    bool m_caseSensitive = false;
    QRegularExpression m_expression;
};

} // namespace edgedesk
