#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
#include <QStringView>

namespace edgedesk {

// Writes compact JSON straight into a byte array, for answers built on every request (health,
// the worker service). It prints what QJsonDocument::toJson(Compact) prints for the same values
// (same string escapes, same number format) without building a QJsonObject first, which costs
// several allocations per member. Members come out in the order they are written.
//
//   JsonWriter w;
//   w.beginObject().member("status", u"ok").member("pid", 42).endObject();
//   QByteArray json = w.take();
class JsonWriter final
{
public:
    explicit JsonWriter(qsizetype reserve = 256) { m_out.reserve(reserve); }

    JsonWriter &beginObject() { return open('{'); }
    JsonWriter &endObject() { return close('}'); }
    JsonWriter &beginArray() { return open('['); }
    JsonWriter &endArray() { return close(']'); }

    JsonWriter &key(QLatin1StringView name);
    JsonWriter &key(QStringView name);

    JsonWriter &value(QStringView text);
    JsonWriter &value(QLatin1StringView text);
    JsonWriter &value(const char16_t *text) { return value(QStringView(text)); }
    JsonWriter &valueUtf8(QByteArrayView utf8); // must be valid UTF-8
    JsonWriter &value(qint64 number);
    JsonWriter &value(int number) { return value(qint64(number)); }
    JsonWriter &value(double number); // as QJsonValue(double) prints it
    JsonWriter &value(bool flag);
    JsonWriter &null();

    template <typename T> JsonWriter &member(const char *name, T &&v)
    {
        key(QLatin1StringView(name));
        return value(std::forward<T>(v));
    }

    QByteArray take() { return std::move(m_out); }

private:
    JsonWriter &open(char bracket);
    JsonWriter &close(char bracket);
    void separate(); // a comma before the next value, unless it follows '{', '[' or a key
    void writeEscaped(QStringView text);
    void writeEscapedUtf8(QByteArrayView utf8);

    QByteArray m_out;
    bool m_needComma = false;
};

} // namespace edgedesk
