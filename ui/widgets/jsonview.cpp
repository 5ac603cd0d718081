#include "widgets/jsonview.h"

#include "widgets/themecolors.h"

#include <QApplication>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QSyntaxHighlighter>

namespace edgedesk {

namespace {

class JsonHighlighter final : public QSyntaxHighlighter
{
public:
    explicit JsonHighlighter(QTextDocument *document) : QSyntaxHighlighter(document) {}
    bool enabled = true;

protected:
    void highlightBlock(const QString &text) override
    {
        if (!enabled)
            return;
        static const QRegularExpression key(QStringLiteral("\"(?:[^\"\\\\]|\\\\.)*\"(?=\\s*:)"));
        static const QRegularExpression string(QStringLiteral("\"(?:[^\"\\\\]|\\\\.)*\""));
        static const QRegularExpression number(
            QStringLiteral("(?<![\\w\"])-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?"));
        static const QRegularExpression literal(QStringLiteral("\\b(?:true|false|null)\\b"));
        // Each colour made readable on the editor's current base (light or dark theme).
        const QColor base = QApplication::palette().color(QPalette::Base);
        QTextCharFormat stringFormat;
        stringFormat.setForeground(ThemeColors::readableOn(QColor(0x2f, 0x9e, 0x44), base));
        QTextCharFormat keyFormat;
        keyFormat.setForeground(ThemeColors::readableOn(QColor(0x3b, 0x6f, 0xd8), base));
        keyFormat.setFontWeight(QFont::DemiBold);
        QTextCharFormat numberFormat;
        numberFormat.setForeground(ThemeColors::readableOn(QColor(0xc2, 0x6a, 0x10), base));
        QTextCharFormat literalFormat;
        literalFormat.setForeground(ThemeColors::readableOn(QColor(0xa3, 0x4a, 0xc9), base));
        for (auto it = string.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), stringFormat);
        }
        for (auto it = number.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            if (format(int(m.capturedStart())) != stringFormat)
                setFormat(int(m.capturedStart()), int(m.capturedLength()), numberFormat);
        }
        for (auto it = literal.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            if (format(int(m.capturedStart())) != stringFormat)
                setFormat(int(m.capturedStart()), int(m.capturedLength()), literalFormat);
        }
        for (auto it = key.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            setFormat(int(m.capturedStart()), int(m.capturedLength()), keyFormat);
        }
    }
};

} // namespace

JsonView::JsonView(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    new JsonHighlighter(document());
}

QString JsonView::prettyJson(const QByteArray &body, bool *ok)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (ok)
        *ok = error.error == QJsonParseError::NoError && !doc.isNull();
    if (error.error != QJsonParseError::NoError || doc.isNull())
        return {};
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

QString JsonView::hexDump(const QByteArray &bytes, int maxBytes)
{
    QString out;
    const int n = qMin(int(bytes.size()), maxBytes);
    for (int row = 0; row < n; row += 16) {
        out += QStringLiteral("%1  ").arg(row, 8, 16, QLatin1Char('0'));
        QString ascii;
        for (int i = row; i < row + 16; ++i) {
            if (i < n) {
                const uchar c = uchar(bytes[i]);
                out += QStringLiteral("%1 ").arg(c, 2, 16, QLatin1Char('0'));
                ascii += (c >= 32 && c < 127) ? QChar(c) : QLatin1Char('.');
            } else {
                out += QStringLiteral("   ");
            }
        }
        out += QLatin1Char(' ') + ascii + QLatin1Char('\n');
    }
    if (bytes.size() > maxBytes)
        out += QStringLiteral("… %1 more bytes\n").arg(bytes.size() - maxBytes);
    return out;
}

void JsonView::setBody(const QByteArray &body)
{
    auto *highlighter = document()->findChild<QSyntaxHighlighter *>();
    auto *json = static_cast<JsonHighlighter *>(highlighter);
    if (body.isEmpty()) {
        m_kind = Kind::Empty;
        json->enabled = false;
        setPlainText(QString());
        return;
    }
    bool ok = false;
    const QString pretty = prettyJson(body, &ok);
    if (ok) {
        m_kind = Kind::Json;
        json->enabled = true;
        setPlainText(pretty);
        return;
    }
    json->enabled = false;
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString text = utf8(body);
    if (!utf8.hasError() && !body.contains('\0')) {
        m_kind = Kind::Text;
        setPlainText(text);
    } else {
        m_kind = Kind::Hex;
        setPlainText(hexDump(body));
    }
}

} // namespace edgedesk
