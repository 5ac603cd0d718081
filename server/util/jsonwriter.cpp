#include "util/jsonwriter.h"

#include <QLocale>

namespace edgedesk {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Whether QJsonDocument writes this ASCII byte as an escape.
inline bool needsEscape(uchar c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

void appendEscape(QByteArray &out, uchar c)
{
    out += '\\';
    switch (c) {
    case '"':
        out += '"';
        break;
    case '\\':
        out += '\\';
        break;
    case '\b':
        out += 'b';
        break;
    case '\f':
        out += 'f';
        break;
    case '\n':
        out += 'n';
        break;
    case '\r':
        out += 'r';
        break;
    case '\t':
        out += 't';
        break;
    default:
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
}

} // namespace

JsonWriter &JsonWriter::open(char bracket)
{
    separate();
    m_out += bracket;
    m_needComma = false;
    return *this;
}

JsonWriter &JsonWriter::close(char bracket)
{
    m_out += bracket;
    m_needComma = true;
    return *this;
}

void JsonWriter::separate()
{
    if (m_needComma)
        m_out += ',';
}

JsonWriter &JsonWriter::key(QLatin1StringView name)
{
    separate();
    m_out += '"';
    writeEscapedUtf8(QByteArrayView(name.data(), name.size())); // keys are ASCII
    m_out += "\":";
    m_needComma = false;
    return *this;
}

JsonWriter &JsonWriter::key(QStringView name)
{
    separate();
    m_out += '"';
    writeEscaped(name);
    m_out += "\":";
    m_needComma = false;
    return *this;
}

JsonWriter &JsonWriter::value(QStringView text)
{
    separate();
    m_out += '"';
    writeEscaped(text);
    m_out += '"';
    m_needComma = true;
    return *this;
}

JsonWriter &JsonWriter::value(QLatin1StringView text)
{
    for (char c : text) {
        if (uchar(c) >= 0x80)
            return value(QStringView(QString(text)));
    }
    return valueUtf8(QByteArrayView(text.data(), text.size())); // ASCII is UTF-8
}

JsonWriter &JsonWriter::valueUtf8(QByteArrayView utf8)
{
    separate();
    m_out += '"';
    writeEscapedUtf8(utf8);
    m_out += '"';
    m_needComma = true;
    return *this;
}

JsonWriter &JsonWriter::value(qint64 number)
{
    separate();
    m_out += QByteArray::number(number);
    m_needComma = true;
    return *this;
}

JsonWriter &JsonWriter::value(double number)
{
    separate();
    if (qIsFinite(number))
        m_out += QByteArray::number(number, 'g', QLocale::FloatingPointShortest);
    else
        m_out += "null";
    m_needComma = true;
    return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
    separate();
    m_out += flag ? "true" : "false";
    m_needComma = true;
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separate();
    m_out += "null";
    m_needComma = true;
    return *this;
}

void JsonWriter::writeEscaped(QStringView text)
{
    // ASCII runs are copied in one go; anything else goes through the UTF-8 encoder (which
    // writes U+FFFD for a lone surrogate, as QJsonDocument does).
    auto copyAscii = [this, text](qsizetype from, qsizetype to) {
        if (to <= from)
            return;
        const qsizetype old = m_out.size();
        m_out.resize(old + (to - from));
        char *dst = m_out.data() + old;
        for (qsizetype j = from; j < to; ++j)
            *dst++ = char(text[j].unicode());
    };
    qsizetype runStart = 0;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = text[i].unicode();
        if (c >= 0x80) {
            copyAscii(runStart, i);
            qsizetype end = i + 1;
            while (end < n && text[end].unicode() >= 0x80)
                ++end;
            m_out += text.sliced(i, end - i).toUtf8();
            i = end - 1;
            runStart = end;
        } else if (needsEscape(uchar(c))) {
            copyAscii(runStart, i);
            appendEscape(m_out, uchar(c));
            runStart = i + 1;
        }
    }
    copyAscii(runStart, n);
}

void JsonWriter::writeEscapedUtf8(QByteArrayView utf8)
{
    qsizetype runStart = 0;
    const qsizetype n = utf8.size();
    for (qsizetype i = 0; i < n; ++i) {
        const uchar c = uchar(utf8[i]);
        if (needsEscape(c)) {
            m_out.append(utf8.data() + runStart, i - runStart);
            appendEscape(m_out, c);
            runStart = i + 1;
        }
    }
    m_out.append(utf8.data() + runStart, n - runStart);
}

} // namespace edgedesk
