"""Shared helpers of the benchmark scripts: free loopback ports, waiting for a server, running
wrk and reading its figures, and the CPU time processes spend (from /proc).

Loopback only; every call is bounded in time.
"""
import os, re, socket, subprocess, time, urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout=20):
    """True once 127.0.0.1:port accepts a connection."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_ready(port, timeout=20, path="/__edgedesk/v1/health"):
    """True once EdgeDesk on the port answers its health route."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def to_ms(value):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", value)
    if not m:
        raise ValueError(f"unexpected wrk latency {value!r}")
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60000}[unit]


def wrk(url, seconds, connections, script=None, timeout="10s"):
    """One wrk -t1 run. Returns rps, p50, p99 (ms), total requests, non-2xx count, socket errors
    and wrk's whole output (for the figures a Lua script prints)."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", timeout, url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    # Only the latency distribution lines ("  99%  1.23ms"), never a "+/- Stdev" column.
    if "Requests/sec" not in out or not re.search(r"^\s+99%\s+\S+", out, re.M):
        raise RuntimeError(f"wrk printed no figures:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
            "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else "",
            "output": out}


def cpu_ticks(pid, children=False):
    """utime + stime of a process (and of its waited-for descendants), in clock ticks; 0 if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    ticks = int(fields[11]) + int(fields[12])
    return ticks + int(fields[13]) + int(fields[14]) if children else ticks


def cpu_seconds(pid, children=False):
    return cpu_ticks(pid, children) / os.sysconf("SC_CLK_TCK")


def descendants(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out.append(int(child))
                    out += descendants(int(child))
    except OSError:
        pass
    return out


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def stop(proc, timeout=10):
    """Terminate a child process, killing it if it does not go in time."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
