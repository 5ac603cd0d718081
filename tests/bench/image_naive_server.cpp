// The baseline of the cold /image benchmark: naiveImageTransform() (image_naive.h) per request.
// ImageMagick keeps its own defaults (its OpenMP threads included); at most one transform per core
// runs at a time.
// The HTTP side is the least that serves wrk: a thread per keep-alive connection, GET only.
//   PORT=8080 image_naive_server SOURCE.jpg [--pool N]
#include "image_naive.h"

#include <Magick++.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <semaphore>
#include <string>
#include <thread>

namespace {

int queryInt(const std::string &target, const char *name)
{
    const std::string key = std::string(name) + "=";
    for (size_t at = target.find('?'); at != std::string::npos; at = target.find('&', at + 1)) {
        if (target.compare(at + 1, key.size(), key) == 0)
            return std::atoi(target.c_str() + at + 1 + key.size());
    }
    return 0;
}

bool sendAll(int fd, const std::string &bytes)
{
    size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        sent += size_t(n);
    }
    return true;
}

std::string answer(int status, const char *reason, const char *type, const std::string &body)
{
    return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\nContent-Type: " + type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

void serve(int fd, const Magick::Blob &source, std::counting_semaphore<> &slots)
{
    std::string buffer;
    char chunk[4096];
    for (;;) {
        size_t end;
        while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0 || buffer.size() > 65536) {
                ::close(fd);
                return;
            }
            buffer.append(chunk, size_t(n));
        }
        const std::string line = buffer.substr(0, buffer.find("\r\n"));
        buffer.erase(0, end + 4);
        const size_t space = line.find(' ');
        const std::string target = line.substr(space + 1, line.find(' ', space + 1) - space - 1);
        const int width = queryInt(target, "width");
        const int height = queryInt(target, "height");
        std::string response;
        if (target.rfind("/image?", 0) != 0 || width <= 0 || height <= 0) {
            response = answer(400, "Bad Request", "application/json",
                              "{\"error\":\"GET /image?width=W&height=H\"}");
        } else {
            std::string jpeg;
            slots.acquire();
            try {
                jpeg = naiveImageTransform(source, width, height);
            } catch (const Magick::Exception &e) {
                std::fprintf(stderr, "transform failed: %s\n", e.what());
            }
            slots.release();
            response = jpeg.empty() ? answer(500, "Internal Server Error", "application/json",
                                             "{\"error\":\"transform failed\"}")
                                    : answer(200, "OK", "image/jpeg", jpeg);
        }
        if (!sendAll(fd, response)) {
            ::close(fd);
            return;
        }
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: PORT=N image_naive_server SOURCE [--pool N]\n");
        return 2;
    }
    std::ifstream file(argv[1], std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (bytes.empty()) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    Magick::InitializeMagick(argv[0]);
    const Magick::Blob source(bytes.data(), bytes.size());
    int pool = int(std::thread::hardware_concurrency());
    if (argc >= 4 && std::strcmp(argv[2], "--pool") == 0)
        pool = std::atoi(argv[3]);
    static std::counting_semaphore<> slots(std::max(1, pool));

    const char *portText = std::getenv("PORT");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(uint16_t(portText ? std::atoi(portText) : 0));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::listen(listener, 128) != 0) {
        std::perror("cannot listen");
        return 1;
    }
    std::printf("listening on 127.0.0.1:%d, %d transforms at a time\n",
                portText ? std::atoi(portText) : 0, pool);
    std::fflush(stdout);
    for (;;) {
        const int fd = ::accept(listener, nullptr, nullptr);
        if (fd >= 0)
            std::thread(serve, fd, std::cref(source), std::ref(slots)).detach();
    }
}
