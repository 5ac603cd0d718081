#include "config/jsonc.h"

#include <QJsonParseError>

namespace edgedesk {

namespace {

struct Position
{
    int line;
    int column;
};

Position positionOf(const QByteArray &text, qsizetype offset)
{
    Position p{1, 1};
    for (qsizetype i = 0; i < offset && i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((uchar(c) & 0xC0) != 0x80) { // count characters, not UTF-8 continuation bytes
            ++p.column;
        }
    }
    return p;
}

} // namespace

QByteArray Jsonc::toStrictJson(const QByteArray &text, QString *error)
{
    QByteArray out = text;
    const qsizetype n = out.size();
    qsizetype lastComma = -1; // a comma that may turn out to be trailing
    char prevSignificant = 0; // the last character of the previous token
    for (qsizetype i = 0; i < n; ++i) {
        const char c = out[i];
        if (c == '"') {
            lastComma = -1;
            prevSignificant = '"';
            for (++i; i < n; ++i) {
                if (out[i] == '\\') {
                    ++i;
                } else if (out[i] == '"') {
                    break;
                }
            }
            continue;
        }
        if (c == '/' && i + 1 < n && out[i + 1] == '/') {
            while (i < n && out[i] != '\n')
                out[i++] = ' ';
            continue;
        }
        if (c == '/' && i + 1 < n && out[i + 1] == '*') {
            const qsizetype start = i;
            out[i++] = ' ';
            out[i++] = ' ';
            while (i < n && !(out[i] == '*' && i + 1 < n && out[i + 1] == '/')) {
                if (out[i] != '\n')
                    out[i] = ' ';
                ++i;
            }
            if (i >= n) {
                if (error) {
                    const Position p = positionOf(text, start);
                    *error = QStringLiteral("line %1, column %2: unterminated /* comment")
                                 .arg(p.line)
                                 .arg(p.column);
                }
                return {};
            }
            out[i++] = ' ';
            out[i] = ' ';
            continue;
        }
        if (c == ',') {
            // Only a comma after a value can be trailing; "a": , stays an error.
            const bool afterValue =
                prevSignificant != 0 && !QByteArrayView(":[{,").contains(prevSignificant);
            lastComma = afterValue ? i : -1;
            prevSignificant = c;
            continue;
        }
        if (c == '}' || c == ']') {
            if (lastComma >= 0)
                out[lastComma] = ' ';
            lastComma = -1;
            prevSignificant = c;
            continue;
        }
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            lastComma = -1;
            prevSignificant = c;
        }
    }
    return out;
}

Result<QJsonDocument> Jsonc::parse(const QByteArray &text)
{
    QString error;
    const QByteArray strict = toStrictJson(text, &error);
    if (!error.isEmpty())
        return makeError(QStringLiteral("bad_request"), error);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(strict, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt reports the offset just past the offending token; point at the token itself.
        qsizetype offset = qMax<qsizetype>(0, parseError.offset - 1);
        while (offset > 0 && offset < strict.size() &&
               QByteArrayView(" \t\r\n").contains(strict[offset]))
            --offset;
        const Position p = positionOf(text, offset);
        return makeError(QStringLiteral("bad_request"), QStringLiteral("line %1, column %2: %3")
                                                            .arg(p.line)
                                                            .arg(p.column)
                                                            .arg(parseError.errorString()));
    }
    if (!doc.isObject())
        return makeError(
            QStringLiteral("bad_request"),
            QStringLiteral("line 1, column 1: the configuration must be a JSON object"));
    return doc;
}

} // namespace edgedesk
