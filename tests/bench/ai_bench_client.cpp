// bench-ai-client: the measuring side of tests/bench/ai_bench.py. Runs streamed AI requests
// against the test upstream directly (OpenAI protocol) or through EdgeDesk's /ai, `concurrency`
// at a time on one thread with poll(), and prints one JSON object:
//   {"first_ms": [...], "total_ms": [...], "tokens": N, "wall_s": S}
// A compiled client keeps the client's own cost (a Python thread per stream holds the GIL for
// milliseconds) out of the comparison.
//   bench-ai-client --port P --target direct|relay [--streams N] [--concurrency C]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

double nowMs()
{
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

struct Stream
{
    int fd = -1;
    double startMs = 0;
    double firstMs = -1;
    std::string data;
    size_t scanned = 0;
};

int countTokens(const std::string &data)
{
    int n = 0;
    for (size_t at = data.find("token"); at != std::string::npos; at = data.find("token", at + 5)) {
        if (at + 5 < data.size() && data[at + 5] >= '0' && data[at + 5] <= '9')
            ++n;
    }
    return n;
}

int connectTo(int port)
{
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        std::perror("connect");
        std::exit(1);
    }
    return fd;
}

} // namespace

int main(int argc, char **argv)
{
    int port = 0;
    int streams = 50;
    int concurrency = 1;
    std::string target = "relay";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i];
        if (name == "--port")
            port = std::atoi(argv[i + 1]);
        else if (name == "--streams")
            streams = std::atoi(argv[i + 1]);
        else if (name == "--concurrency")
            concurrency = std::atoi(argv[i + 1]);
        else if (name == "--target")
            target = argv[i + 1];
    }
    if (port <= 0 || streams <= 0 || concurrency <= 0 ||
        (target != "direct" && target != "relay")) {
        std::fprintf(stderr, "usage: bench-ai-client --port P --target direct|relay "
                             "[--streams N] [--concurrency C]\n");
        return 2;
    }

    std::string request;
    if (target == "direct") {
        const std::string body = "{\"model\":\"bench\",\"stream\":true,\"messages\":[{\"role\":"
                                 "\"user\",\"content\":\"Count to two hundred.\"}]}";
        request = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                  "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
                  "Content-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body;
    } else {
        request = "GET /ai?prompt=Count%20to%20two%20hundred.&stream=1 HTTP/1.1\r\nHost: "
                  "127.0.0.1:" +
                  std::to_string(port) + "\r\nAccept: text/event-stream\r\n\r\n";
    }

    std::vector<double> first;
    std::vector<double> total;
    long tokens = 0;
    std::vector<Stream> running;
    int started = 0;
    const double wallStart = nowMs();
    std::vector<char> buffer(1 << 16);

    auto startOne = [&] {
        Stream s;
        s.fd = connectTo(port);
        s.startMs = nowMs();
        if (send(s.fd, request.data(), request.size(), 0) != ssize_t(request.size())) {
            std::perror("send");
            std::exit(1);
        }
        running.push_back(std::move(s));
        ++started;
    };

    while (started < streams || !running.empty()) {
        while (started < streams && int(running.size()) < concurrency)
            startOne();
        std::vector<pollfd> fds;
        for (const Stream &s : running)
            fds.push_back(pollfd{s.fd, POLLIN, 0});
        if (poll(fds.data(), fds.size(), 30000) <= 0) {
            std::fprintf(stderr, "timed out waiting for streams\n");
            return 1;
        }
        for (size_t i = running.size(); i-- > 0;) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            Stream &s = running[i];
            const ssize_t n = recv(s.fd, buffer.data(), buffer.size(), 0);
            // As EdgeDesk's AI client does: the test upstream leaves Nagle on, and a delayed ACK
            // would hold its next token back; this keeps "direct" as fast as it can be.
            const int on = 1;
            setsockopt(s.fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
            const double at = nowMs();
            bool finished = n <= 0;
            if (n > 0) {
                s.data.append(buffer.data(), size_t(n));
                const size_t from = s.scanned > 16 ? s.scanned - 16 : 0;
                if (s.firstMs < 0 && s.data.find("token0", from) != std::string::npos)
                    s.firstMs = at - s.startMs;
                finished = s.data.find("[DONE]", from) != std::string::npos;
                s.scanned = s.data.size();
            }
            if (!finished)
                continue;
            if (s.data.compare(0, 12, "HTTP/1.1 200") != 0) {
                std::fprintf(stderr, "stream failed: %.300s\n", s.data.c_str());
                return 1;
            }
            first.push_back(s.firstMs < 0 ? at - s.startMs : s.firstMs);
            total.push_back(at - s.startMs);
            tokens += countTokens(s.data.substr(s.data.find("\r\n\r\n")));
            close(s.fd);
            running.erase(running.begin() + long(i));
        }
    }
    const double wallS = (nowMs() - wallStart) / 1000.0;

    std::printf("{\"first_ms\": [");
    for (size_t i = 0; i < first.size(); ++i)
        std::printf("%s%.4f", i ? ", " : "", first[i]);
    std::printf("], \"total_ms\": [");
    for (size_t i = 0; i < total.size(); ++i)
        std::printf("%s%.4f", i ? ", " : "", total[i]);
    std::printf("], \"tokens\": %ld, \"wall_s\": %.6f}\n", tokens, wallS);
    return 0;
}
