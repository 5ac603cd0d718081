// The program packed into the test images: a static HTTP server with no library beyond libc, so
// that an image holding nothing else (like a Go binary built FROM scratch) runs. It listens on
// 127.0.0.1:$PORT (8080 by default) and answers every request with JSON describing where it runs:
// hostname, argv, working directory, uid/gid, environment, the request's path, and (for a path
// with "write" in it) whether it could write a file in its working directory and in /tmp.
// Connections are kept alive, one thread each. With EXIT_AT_START=<code> it exits at once
// with that code instead (a container that crashes).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

extern char **environ;

namespace {

int g_argc = 0;
char **g_argv = nullptr;

std::string jsonString(const char *text)
{
    std::string out = "\"";
    for (const char *p = text; *p; ++p) {
        const unsigned char c = static_cast<unsigned char>(*p);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += char(c);
        }
    }
    return out + "\"";
}

bool canWrite(const char *path)
{
    FILE *file = std::fopen(path, "w");
    if (!file)
        return false;
    const bool ok = std::fputs("written by imagetestserver\n", file) >= 0;
    return std::fclose(file) == 0 && ok;
}

std::string describe(const std::string &path)
{
    const bool writes = path.find("write") != std::string::npos;
    char hostname[256] = {};
    gethostname(hostname, sizeof hostname - 1);
    char cwd[4096] = {};
    if (!getcwd(cwd, sizeof cwd - 1))
        std::strcpy(cwd, "?");
    std::string env = "{";
    for (char **e = environ; *e; ++e) {
        const char *equals = std::strchr(*e, '=');
        if (!equals)
            continue;
        if (env.size() > 1)
            env += ',';
        env +=
            jsonString(std::string(*e, size_t(equals - *e)).c_str()) + ':' + jsonString(equals + 1);
    }
    env += '}';
    std::string argv = "[";
    for (int i = 0; i < g_argc; ++i) {
        if (i > 0)
            argv += ',';
        argv += jsonString(g_argv[i]);
    }
    argv += ']';
    return std::string("{\"hostname\":") + jsonString(hostname) + ",\"argv\":" + argv +
           ",\"cwd\":" + jsonString(cwd) + ",\"uid\":" + std::to_string(getuid()) +
           ",\"gid\":" + std::to_string(getgid()) + ",\"path\":" + jsonString(path.c_str()) +
           (writes ? std::string(",\"cwd_writable\":") +
                         (canWrite("written-here.txt") ? "true" : "false") + ",\"tmp_writable\":" +
                         (canWrite("/tmp/written-here.txt") ? "true" : "false")
                   : std::string()) +
           ",\"env\":" + env + "}";
}

// One connection, kept alive for as many requests as the client sends (requests without a
// body only: the tests and benchmarks send GETs). Each connection has its own thread.
void serve(int client)
{
    std::string pending;
    char buffer[4096];
    for (;;) {
        size_t headEnd = 0;
        while ((headEnd = pending.find("\r\n\r\n")) == std::string::npos) {
            if (pending.size() > 65536)
                return;
            const ssize_t n = read(client, buffer, sizeof buffer);
            if (n <= 0)
                return;
            pending.append(buffer, size_t(n));
        }
        const std::string head = pending.substr(0, headEnd);
        pending.erase(0, headEnd + 4);
        const size_t start = head.find(' ');
        const size_t end = start == std::string::npos ? start : head.find(' ', start + 1);
        const std::string path = start == std::string::npos || end == std::string::npos
                                     ? "/"
                                     : head.substr(start + 1, end - start - 1);
        const bool close = head.find("\r\nConnection: close") != std::string::npos ||
                           head.find("\r\nconnection: close") != std::string::npos;
        const std::string body = describe(path);
        const std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
                                     std::string(close ? "Connection: close\r\n" : "") +
                                     "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                                     body;
        for (size_t done = 0; done < response.size();) {
            const ssize_t n = write(client, response.data() + done, response.size() - done);
            if (n <= 0)
                return;
            done += size_t(n);
        }
        if (close)
            return;
    }
}

} // namespace

int main(int argc, char **argv)
{
    g_argc = argc;
    g_argv = argv;
    if (const char *code = std::getenv("EXIT_AT_START")) {
        std::fprintf(stderr, "imagetestserver: exiting with %s as asked\n", code);
        return std::atoi(code);
    }
    std::signal(SIGPIPE, SIG_IGN);
    const char *portText = std::getenv("PORT");
    const int port = portText && *portText ? std::atoi(portText) : 8080;
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        listen(listener, 64) != 0) {
        std::fprintf(stderr, "imagetestserver: cannot listen on port %d: %s\n", port,
                     std::strerror(errno));
        return 1;
    }
    std::printf("imagetestserver listening on 127.0.0.1:%d\n", port);
    std::fflush(stdout);
    for (;;) {
        const int client = accept(listener, nullptr, nullptr);
        if (client < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        std::thread([client] {
            serve(client);
            close(client);
        }).detach();
    }
}
