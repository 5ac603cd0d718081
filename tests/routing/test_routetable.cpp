// The route table on its own: which route a path and method reach (the first in table order),
// 405 versus 404 versus the fallback, captured parameters, the same answers when a route
// starting with a parameter turns the first-segment index off, and the one lookup per request.
#include "routing/router.h"
#include "transport/requesthead.h"

#include <QTest>

using namespace edgedesk;

class TestRouteTable final : public QObject
{
    Q_OBJECT

    QString m_ran; // name of the route whose handler ran last

    void addRoute(Router &router, const QString &name, const QByteArray &pattern,
                  QByteArrayList methods = {}, bool fallback = false)
    {
        Route route;
        route.name = name;
        route.pattern = pattern;
        route.methods = std::move(methods);
        route.fallback = fallback;
        route.handler = [this, name](const ExchangePtr &ex) {
            m_ran = name;
            ex->respond(HttpResponse::text(200, name));
        };
        router.add(std::move(route));
    }

    void buildTable(Router &router, bool parameterFirst)
    {
        addRoute(router, QStringLiteral("root"), "/", {"GET"});
        addRoute(router, QStringLiteral("kv"), "/kv", {"GET"});
        addRoute(router, QStringLiteral("kv.key"), "/kv/{key}", {"GET", "PUT"});
        addRoute(router, QStringLiteral("api"), "/api/{*path}");
        addRoute(router, QStringLiteral("control.keys"), "/__edgedesk/v1/kv/{binding}/keys",
                 {"GET"});
        addRoute(router, QStringLiteral("control.key"), "/__edgedesk/v1/kv/{binding}/keys/{*key}",
                 {"GET", "PUT", "DELETE"});
        if (parameterFirst)
            addRoute(router, QStringLiteral("tenant"), "/{tenant}/items", {"GET"});
        addRoute(router, QStringLiteral("assets"), "/{*path}", {"GET"}, true);
    }

    // A head as the transport has it once the route was looked up.
    static RequestHead lookedUp(const Router &router, const QByteArray &method,
                                const QByteArray &target)
    {
        RequestHead head;
        head.method = method;
        head.target = target;
        router.lookUp(head);
        return head;
    }

    // Runs one request through lookUp() and dispatch(); returns the route that answered ("" if
    // none ran).
    QString dispatch(Router &router, const QByteArray &method, const QByteArray &target,
                     QString *param = nullptr, const QString &paramName = {})
    {
        m_ran.clear();
        auto ex = std::make_shared<HttpExchange>(nullptr, router.trafficObserver(),
                                                 lookedUp(router, method, target), RequestBody(),
                                                 QHostAddress::LocalHost, 1);
        router.dispatch(ex);
        if (param)
            *param = ex->param(paramName);
        return m_ran;
    }

private Q_SLOTS:
    void routes_data()
    {
        QTest::addColumn<bool>("parameterFirst");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("route");
        QTest::addColumn<QString>("paramName");
        QTest::addColumn<QString>("paramValue");
        for (bool parameterFirst : {false, true}) {
            const char *table = parameterFirst ? "unindexed" : "indexed";
            auto row = [&](const char *what) -> QTestData * {
                return &(QTest::addRow("%s: %s", table, what) << parameterFirst);
            };
            *row("root") << QByteArray("GET") << QByteArray("/") << QStringLiteral("root")
                         << QString() << QString();
            *row("kv with query") << QByteArray("GET") << QByteArray("/kv?key=a")
                                  << QStringLiteral("kv") << QString() << QString();
            *row("kv key") << QByteArray("PUT") << QByteArray("/kv/a%20b")
                           << QStringLiteral("kv.key") << QStringLiteral("key")
                           << QStringLiteral("a b");
            *row("HEAD on a GET route") << QByteArray("HEAD") << QByteArray("/kv")
                                        << QStringLiteral("kv") << QString() << QString();
            *row("wrong method: 405, not the fallback")
                << QByteArray("POST") << QByteArray("/kv") << QString() << QString() << QString();
            *row("rest of the path")
                << QByteArray("POST") << QByteArray("/api/v1/users/7") << QStringLiteral("api")
                << QStringLiteral("path") << QStringLiteral("v1/users/7");
            *row("empty rest") << QByteArray("GET") << QByteArray("/api/") << QStringLiteral("api")
                               << QStringLiteral("path") << QString();
            *row("control keys") << QByteArray("GET") << QByteArray("/__edgedesk/v1/kv/MY_KV/keys")
                                 << QStringLiteral("control.keys") << QStringLiteral("binding")
                                 << QStringLiteral("MY_KV");
            *row("control key with slashes")
                << QByteArray("DELETE") << QByteArray("/__edgedesk/v1/kv/MY_KV/keys/a/b")
                << QStringLiteral("control.key") << QStringLiteral("key") << QStringLiteral("a/b");
            *row("unknown first segment: fallback")
                << QByteArray("GET") << QByteArray("/app.js") << QStringLiteral("assets")
                << QStringLiteral("path") << QStringLiteral("app.js");
            *row("known first segment, no route: fallback")
                << QByteArray("GET") << QByteArray("/kv/a/b") << QStringLiteral("assets")
                << QString() << QString();
            // The fallback sees every method; it answers a wrong one itself.
            *row("fallback, any method") << QByteArray("POST") << QByteArray("/nothing")
                                         << QStringLiteral("assets") << QString() << QString();
            *row("not a path") << QByteArray("GET") << QByteArray("*") << QString() << QString()
                               << QString();
            *row("parameter first")
                << QByteArray("GET") << QByteArray("/acme/items")
                << (parameterFirst ? QStringLiteral("tenant") : QStringLiteral("assets"))
                << (parameterFirst ? QStringLiteral("tenant") : QString())
                << (parameterFirst ? QStringLiteral("acme") : QString());
        }
    }
    void routes()
    {
        QFETCH(bool, parameterFirst);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, target);
        QFETCH(QString, route);
        QFETCH(QString, paramName);
        QFETCH(QString, paramValue);
        Router router(nullptr);
        buildTable(router, parameterFirst);
        QString param;
        QCOMPARE(dispatch(router, method, target, &param, paramName), route);
        if (!paramName.isEmpty())
            QCOMPARE(param, paramValue);
    }

    // The first route in table order wins, also among routes of the same first segment.
    void firstInTableOrderWins()
    {
        Router router(nullptr);
        addRoute(router, QStringLiteral("specific"), "/files/readme", {"GET"});
        addRoute(router, QStringLiteral("any"), "/files/{name}", {"GET"});
        QCOMPARE(dispatch(router, "GET", "/files/readme"), QStringLiteral("specific"));
        QCOMPARE(dispatch(router, "GET", "/files/other"), QStringLiteral("any"));
        QCOMPARE(lookedUp(router, "GET", "/files/other").bodyLimit, qint64(0));
    }

    // The lookup the transport makes when a head arrives: the route, its body limit (0: the
    // transport default), and for a wrong method the methods that would have been allowed.
    void lookUpOnce()
    {
        Router router(nullptr);
        buildTable(router, false);
        Route upload;
        upload.name = QStringLiteral("upload");
        upload.pattern = "/upload";
        upload.methods = {"PUT"};
        upload.bodyLimit = 100 * 1024 * 1024;
        upload.handler = [this](const ExchangePtr &ex) {
            m_ran = QStringLiteral("upload");
            ex->respond(HttpResponse::text(200, {}));
        };
        router.add(upload);

        const RequestHead put = lookedUp(router, "PUT", "/upload?x=1");
        QVERIFY(put.route);
        QCOMPARE(put.bodyLimit, qint64(100 * 1024 * 1024));
        QVERIFY(put.allowedMethods.isEmpty());

        const RequestHead wrong = lookedUp(router, "POST", "/kv");
        QVERIFY(!wrong.route); // 405, not the fallback
        QCOMPARE(wrong.allowedMethods, QByteArrayList{"GET"});
        QCOMPARE(wrong.bodyLimit, qint64(0));

        const RequestHead asset = lookedUp(router, "GET", "/app.js");
        QVERIFY(asset.route);
        QCOMPARE(asset.bodyLimit, qint64(0));

        // What dispatch answers is what the lookup found, also after later routes are added.
        QCOMPARE(dispatch(router, "POST", "/kv"), QString());
        QCOMPARE(dispatch(router, "PUT", "/upload"), QStringLiteral("upload"));
        addRoute(router, QStringLiteral("late"), "/late", {"GET"});
        QCOMPARE(dispatch(router, "GET", "/late"), QStringLiteral("late"));
    }
};

QTEST_GUILESS_MAIN(TestRouteTable)
#include "test_routetable.moc"
