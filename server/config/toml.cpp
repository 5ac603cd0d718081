#include "config/toml.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <cpptoml.h>

#include <sstream>

namespace edgedesk {

namespace {

// Finding a column re-parses prefixes of the failing line; beyond these sizes it is not worth it.
constexpr qsizetype kColumnSearchMaxLine = 2000;
constexpr qsizetype kColumnSearchMaxText = 1024 * 1024;

QJsonValue toJson(const std::shared_ptr<cpptoml::base> &node);

QJsonObject tableToJson(const cpptoml::table &table)
{
    QJsonObject object;
    for (const auto &[key, value] : table)
        object.insert(QString::fromStdString(key), toJson(value));
    return object;
}

template <typename T> QString streamed(const T &value)
{
    std::ostringstream out;
    out << value;
    return QString::fromStdString(out.str());
}

QJsonValue toJson(const std::shared_ptr<cpptoml::base> &node)
{
    if (node->is_table())
        return tableToJson(*node->as_table());
    if (node->is_table_array()) {
        QJsonArray array;
        for (const auto &table : node->as_table_array()->get())
            array.append(tableToJson(*table));
        return array;
    }
    if (node->is_array()) {
        QJsonArray array;
        for (const auto &element : node->as_array()->get())
            array.append(toJson(element));
        return array;
    }
    if (const auto v = node->as<std::string>())
        return QString::fromStdString(v->get());
    if (const auto v = node->as<int64_t>())
        return qint64(v->get());
    if (const auto v = node->as<double>())
        return v->get();
    if (const auto v = node->as<bool>())
        return v->get();
    if (const auto v = node->as<cpptoml::offset_datetime>())
        return streamed(v->get());
    if (const auto v = node->as<cpptoml::local_datetime>())
        return streamed(v->get());
    if (const auto v = node->as<cpptoml::local_date>())
        return streamed(v->get());
    if (const auto v = node->as<cpptoml::local_time>())
        return streamed(v->get());
    return QJsonValue();
}

std::shared_ptr<cpptoml::table> parseTable(const QByteArray &text)
{
    std::istringstream in(text.toStdString());
    cpptoml::parser parser(in);
    return parser.parse();
}

// The parser's message for `text`, or empty when it parses.
std::string failureOf(const QByteArray &text)
{
    try {
        parseTable(text);
    } catch (const cpptoml::parse_exception &e) {
        return e.what();
    } catch (const std::exception &e) {
        return e.what();
    }
    return {};
}

// 1-based column on `line` (1-based) of the first character after which the text up to it fails
// with exactly `failure`; 0 when no prefix does.
int columnOf(const QByteArray &text, int line, const std::string &failure)
{
    if (text.size() > kColumnSearchMaxText)
        return 0;
    const QList<QByteArray> lines = text.split('\n');
    if (line < 1 || line > lines.size())
        return 0;
    QByteArray before;
    for (int i = 0; i < line - 1; ++i)
        before += lines[i] + '\n';
    const QString lineText = QString::fromUtf8(lines[line - 1]);
    if (lineText.size() > kColumnSearchMaxLine)
        return 0;
    int column = 0;
    for (qsizetype k = 1; k <= lineText.size(); ++k) {
        if (lineText[k - 1].isHighSurrogate())
            continue; // cut between characters, never inside one
        ++column;
        if (failureOf(before + lineText.left(k).toUtf8()) == failure)
            return column;
    }
    return 0;
}

} // namespace

Result<QJsonObject> Toml::parse(const QByteArray &text)
{
    std::string failure;
    try {
        return tableToJson(*parseTable(text));
    } catch (const cpptoml::parse_exception &e) {
        failure = e.what();
    } catch (const std::exception &e) {
        failure = e.what();
    }
    static const QRegularExpression atLine(QStringLiteral("^(.*) at line (\\d+)$"),
                                           QRegularExpression::DotMatchesEverythingOption);
    const QString message = QString::fromStdString(failure);
    const auto m = atLine.match(message);
    if (!m.hasMatch())
        return makeError(QStringLiteral("bad_request"), message);
    const int line = m.captured(2).toInt();
    const int column = columnOf(text, line, failure);
    const QString where = column > 0 ? QStringLiteral("line %1, column %2").arg(line).arg(column)
                                     : QStringLiteral("line %1").arg(line);
    return makeError(QStringLiteral("bad_request"),
                     QStringLiteral("%1: %2").arg(where, m.captured(1)));
}

} // namespace edgedesk
