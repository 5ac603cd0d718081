#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace edgedesk {

// The error half of a fallible call: a machine-readable code (one of HttpStatusTable's codes,
// e.g. "bad_request", "not_found") and a sentence for the user.
struct Error
{
    QString code;
    QString message;
};

// A small std::expected stand-in (C++20 has none): functions that can fail return Result<T>
// instead of throwing across threads.
template <typename T> class Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() { return std::get<0>(m_v); }
    const T &value() const { return std::get<0>(m_v); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

// For calls that return nothing on success.
struct Ok
{
};
using Status = Result<Ok>;

inline Error makeError(QString code, QString message)
{
    return Error{std::move(code), std::move(message)};
}

} // namespace edgedesk
