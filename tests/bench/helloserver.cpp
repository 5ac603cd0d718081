// The ceiling for the router benchmark: a bare QHttpServer on one thread answering a small body
// with an explicit MIME type (the fastest Qt 6.4 can do here).
#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerResponse>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const quint16 port = quint16(qEnvironmentVariableIntValue("PORT"));
    QHttpServer server;
    server.route("/", [] { return QHttpServerResponse("text/plain", QByteArrayLiteral("hello")); });
    if (server.listen(QHostAddress::LocalHost, port) == 0) {
        std::fprintf(stderr, "cannot listen on port %u\n", port);
        return 1;
    }
    std::printf("listening on 127.0.0.1:%u\n", port);
    std::fflush(stdout);
    return app.exec();
}
