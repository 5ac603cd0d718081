#!/usr/bin/env python3
"""Router overhead: wrk against edgedesk --headless routes and a bare QHttpServer ceiling.

Usage: tests/bench/foundation_bench.py [BUILD_DIR] [--seconds N] [--connections C]
Prints req/s, p50, p99 per route and the ratio to the ceiling. Loopback only, bounded in time.
"""
import argparse, os, re, shutil, socket, subprocess, sys, tempfile, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def wait_port(port, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close(); return True
        except OSError:
            time.sleep(0.05)
    return False

def to_ms(value):
    m = re.match(r"([\d.]+)(us|ms|s)", value)
    n, unit = float(m.group(1)), m.group(2)
    return n / 1000 if unit == "us" else n * 1000 if unit == "s" else n

def wrk(url, seconds, connections, script=None):
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(errors.group(1)) if errors else 0

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run packaging/install-deps.sh")
    procs = []
    try:
        hello_port = free_port()
        procs.append(subprocess.Popen([os.path.join(bindir, "bench-hello-server")], env={**os.environ, "PORT": str(hello_port)},
                                      stdout=subprocess.DEVNULL))
        data = tempfile.mkdtemp(prefix="edgedesk-bench-")
        ed_port = free_port()
        procs.append(subprocess.Popen([os.path.join(bindir, "edgedesk"), "--headless", "--port", str(ed_port),
                                       "--persist-to", data, "--log-level", "warning"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if not (wait_port(hello_port) and wait_port(ed_port)):
            sys.exit("servers did not start")
        echo_lua = os.path.join(data, "echo.lua")
        with open(echo_lua, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = "{\\"hello\\":\\"edge\\"}"\n'
                    'wrk.headers["Content-Type"] = "application/json"\n')
        # Warm up both once.
        wrk(f"http://127.0.0.1:{hello_port}/", 1, a.connections)
        wrk(f"http://127.0.0.1:{ed_port}/kv", 1, a.connections)
        ceiling = wrk(f"http://127.0.0.1:{hello_port}/", a.seconds, a.connections)
        rows = [("ceiling: bare QHttpServer /", ceiling)]
        for name, path, script in [("/", "/", None), ("/kv", "/kv", None), ("/worker/echo (POST)", "/worker/echo", echo_lua),
                                   ("/__edgedesk/v1/health", "/__edgedesk/v1/health", None)]:
            rows.append((name, wrk(f"http://127.0.0.1:{ed_port}{path}", a.seconds, a.connections, script)))
        print(f"\nwrk -t1 -c{a.connections} -d{a.seconds}s on loopback, {os.cpu_count()} cores")
        print(f"{'route':32} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs ceiling':>11} {'non-2xx':>8}")
        for name, (rps, p50, p99, errors) in rows:
            print(f"{name:32} {rps:10.0f} {p50:8.3f} {p99:8.3f} {rps / ceiling[0]:10.0%} {errors:8d}")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()

if __name__ == "__main__":
    main()
