#pragma once

#include <QString>

#include <memory>

namespace edgedesk {

// A store as the server core opened it for a binding: the store, or why it could not be opened.
// A binding whose store is missing still registers its routes and answers storage_error with
// the reason, so one damaged file does not take the others down.
template <typename Store> struct OpenedStore
{
    std::shared_ptr<Store> store; // null when it could not be opened
    // When store is null: a sentence naming the store and why, e.g. "bucket PUBLIC is
    // unavailable: <reason>", for a storage_error answer.
    QString error;
    bool created = false; // it did not exist before this start (the first start)

    explicit operator bool() const { return store != nullptr; }
};

} // namespace edgedesk
