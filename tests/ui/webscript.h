#pragma once

// Running JavaScript in a Qt WebEngine page from a test and waiting for its result.

#include <QTest>
#include <QVariant>
#include <QWebEnginePage>

#include <memory>

namespace edgedesk::test {

// Runs `script` in the page's main world and returns its value (an invalid QVariant when it did
// not answer within timeoutMs). The bounds are generous: a renderer on a loaded 2-core machine can
// take seconds to answer, and a passing test never waits for them.
inline QVariant runScript(QWebEnginePage *page, const QString &script, int timeoutMs = 30000)
{
    auto state = std::make_shared<std::pair<bool, QVariant>>(false, QVariant());
    page->runJavaScript(script, [state](const QVariant &value) {
        state->first = true;
        state->second = value;
    });
    return QTest::qWaitFor([&state] { return state->first; }, timeoutMs) ? state->second
                                                                         : QVariant();
}

// Polls `condition` (a JavaScript expression) until it is true.
inline bool waitForScript(QWebEnginePage *page, const QString &condition, int timeoutMs = 60000)
{
    const QString check = QStringLiteral("!!(%1)").arg(condition);
    return QTest::qWaitFor([&] { return runScript(page, check).toBool(); }, timeoutMs);
}

} // namespace edgedesk::test
