#pragma once

#include <QByteArray>
#include <QPlainTextEdit>

namespace edgedesk {

// A read-only monospace view that pretty-prints JSON with syntax colours (and shows anything
// else as text, or as a hex dump when it is not UTF-8).
class JsonView final : public QPlainTextEdit
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonView)

public:
    explicit JsonView(QWidget *parent = nullptr);

    // Shows `body`: pretty JSON when it parses, text when it is UTF-8, otherwise hex.
    void setBody(const QByteArray &body);
    enum class Kind
    {
        Json,
        Text,
        Hex,
        Empty
    };
    Kind kind() const { return m_kind; }

    static QString prettyJson(const QByteArray &body, bool *ok = nullptr);
    static QString hexDump(const QByteArray &bytes, int maxBytes = 64 * 1024);

private:
    Kind m_kind = Kind::Empty;
};

} // namespace edgedesk
