#pragma once

#include <QHash>
#include <QMutex>
#include <QString>

#include <list>
#include <optional>

namespace edgedesk {

struct ImageCacheStats
{
    qint64 entries = 0;
    qint64 bytes = 0;
    qint64 capacityBytes = 0;
    qint64 hits = 0;
    qint64 misses = 0;
};

// A least-recently-used map bounded by what its values cost in bytes, shared by the image caches
// (transformed images, decoded sources). `cost` must give the same answer for the same pair every
// time. Thread-safe: one mutex, held only for map updates and for copying a value out (keep Value
// cheap to copy: implicitly shared or a shared pointer).
template <typename Value> class ImageLru final
{
public:
    using Cost = qint64 (*)(const QString &key, const Value &value);

    ImageLru(qint64 capacityBytes, Cost cost)
        : m_cost(cost), m_capacity(qMax<qint64>(0, capacityBytes))
    {
    }
    ImageLru(const ImageLru &) = delete;
    ImageLru &operator=(const ImageLru &) = delete;

    std::optional<Value> get(const QString &key)
    {
        QMutexLocker lock(&m_mutex);
        const auto it = m_index.constFind(key);
        if (it == m_index.constEnd()) {
            ++m_misses;
            return std::nullopt;
        }
        m_lru.splice(m_lru.begin(), m_lru, it.value());
        ++m_hits;
        return m_lru.front().value;
    }

    // Values larger than the whole capacity are not kept (an older value under the key goes).
    void put(const QString &key, Value value)
    {
        const qint64 cost = m_cost(key, value);
        QMutexLocker lock(&m_mutex);
        if (const auto it = m_index.find(key); it != m_index.end()) {
            m_bytes -= m_cost(key, it.value()->value);
            m_lru.erase(it.value());
            m_index.erase(it);
        }
        if (cost > m_capacity)
            return;
        m_lru.push_front(Node{key, std::move(value)});
        m_index.insert(key, m_lru.begin());
        m_bytes += cost;
        while (m_bytes > m_capacity && !m_lru.empty()) {
            const Node &last = m_lru.back();
            m_bytes -= m_cost(last.key, last.value);
            m_index.remove(last.key);
            m_lru.pop_back();
        }
    }

    void clear()
    {
        QMutexLocker lock(&m_mutex);
        m_lru.clear();
        m_index.clear();
        m_bytes = 0;
    }

    ImageCacheStats stats() const
    {
        QMutexLocker lock(&m_mutex);
        return ImageCacheStats{qint64(m_lru.size()), m_bytes, m_capacity, m_hits, m_misses};
    }

private:
    struct Node
    {
        QString key;
        Value value;
    };

    const Cost m_cost;
    mutable QMutex m_mutex;
    std::list<Node> m_lru; // most recently used first
    QHash<QString, typename std::list<Node>::iterator> m_index;
    const qint64 m_capacity;
    qint64 m_bytes = 0;
    qint64 m_hits = 0;
    qint64 m_misses = 0;
};

} // namespace edgedesk
