// edgedesk-image-init --socket PATH --port N -- PROGRAM [ARGS...]
//
// Runs PROGRAM (looked up on PATH, as a container runtime does with an image's Entrypoint) and
// relays connections on the Unix-domain socket PATH to 127.0.0.1:N, where PROGRAM listens inside
// the instance's own network namespace. SIGTERM, SIGINT, SIGHUP and SIGQUIT are passed on to
// PROGRAM; when it exits, so does this, with its exit code (128 + the signal when killed).

#include "relay.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kMaxConnections = 1000; // a quarter of the instance's descriptor limit

int usage()
{
    std::fprintf(stderr,
                 "usage: edgedesk-image-init --socket PATH --port N -- PROGRAM [ARGS...]\n");
    return 2;
}

int listenOn(const std::string &path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path)
        return -1;
    std::memcpy(address.sun_path, path.c_str(), path.size());
    ::unlink(path.c_str());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::listen(fd, 256) != 0)
        return -1;
    return fd;
}

int exitCodeOf(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace

int main(int argc, char **argv)
{
    std::string socketPath;
    long port = 0;
    int i = 1;
    for (; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--" && i + 1 < argc) {
            ++i;
            break;
        }
        if (arg == "--socket" && i + 1 < argc)
            socketPath = argv[++i];
        else if (arg == "--port" && i + 1 < argc)
            port = std::strtol(argv[++i], nullptr, 10);
        else
            return usage();
    }
    if (socketPath.empty() || port <= 0 || port > 65535 || i >= argc)
        return usage();

    sigset_t handled;
    sigemptyset(&handled);
    for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT})
        sigaddset(&handled, signal);
    sigset_t previous;
    sigprocmask(SIG_BLOCK, &handled, &previous);
    const int signals = ::signalfd(-1, &handled, SFD_NONBLOCK | SFD_CLOEXEC);
    ::signal(SIGPIPE, SIG_IGN);

    const int listener = listenOn(socketPath);
    if (signals < 0 || listener < 0) {
        std::fprintf(stderr, "edgedesk-image-init: cannot listen on %s: %s\n", socketPath.c_str(),
                     std::strerror(errno));
        return 125;
    }

    const pid_t child = ::fork();
    if (child < 0) {
        std::fprintf(stderr, "edgedesk-image-init: cannot fork: %s\n", std::strerror(errno));
        return 125;
    }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &previous, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        ::execvp(argv[i], argv + i);
        std::fprintf(stderr, "edgedesk-image-init: cannot run %s: %s\n", argv[i],
                     std::strerror(errno));
        _exit(127);
    }

    Relay relay(listener, std::uint16_t(port), kMaxConnections);
    std::vector<pollfd> fds;
    for (;;) {
        fds.clear();
        fds.push_back({signals, POLLIN, 0});
        relay.collect(fds);
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR)
                continue;
            std::fprintf(stderr, "edgedesk-image-init: poll: %s\n", std::strerror(errno));
            ::kill(child, SIGKILL);
            return 125;
        }
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info{};
            while (::read(signals, &info, sizeof info) == ssize_t(sizeof info)) {
                if (info.ssi_signo != SIGCHLD) {
                    ::kill(child, int(info.ssi_signo));
                    continue;
                }
                int status = 0;
                pid_t pid = 0;
                while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
                    if (pid == child) {
                        ::unlink(socketPath.c_str());
                        return exitCodeOf(status);
                    }
                }
            }
        }
        relay.dispatch(fds.data() + 1, fds.size() - 1);
    }
}
