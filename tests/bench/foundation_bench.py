#!/usr/bin/env python3
"""Router overhead: wrk against edgedesk --headless routes and a bare QHttpServer ceiling.

Usage: tests/bench/foundation_bench.py [BUILD_DIR] [--seconds N] [--connections C]
Prints req/s, p50, p99 per route, the ratio to the ceiling and the CPU time each server spends per
request (from /proc; it hardly depends on what else the machine is doing). Loopback only, bounded in time.
"""
import argparse, os, shutil, subprocess, sys, tempfile

from benchlib import cpu_ticks, free_port, stop, wait_port, wrk


def measured(url, seconds, connections, pid, script=None):
    """wrk plus the CPU time the server process spent per request (load-independent)."""
    before = cpu_ticks(pid)
    r = wrk(url, seconds, connections, script)
    r["cpu_us"] = (cpu_ticks(pid) - before) * 1e6 / os.sysconf("SC_CLK_TCK") / max(r["requests"], 1)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3,
                    help="the ceiling and every route measured alternately this many times (medians)")
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run packaging/install-deps.sh")
    procs = []
    data = tempfile.mkdtemp(prefix="edgedesk-bench-")
    routes = [("/", "/", None), ("/kv", "/kv", None), ("/worker/echo (POST)", "/worker/echo", "echo.lua"),
              ("/__edgedesk/v1/health", "/__edgedesk/v1/health", None)]
    rounds = []
    try:
        hello_port = free_port()
        procs.append(subprocess.Popen([os.path.join(bindir, "bench-hello-server")],
                                      env={**os.environ, "PORT": str(hello_port)}, stdout=subprocess.DEVNULL))
        ed_port = free_port()
        procs.append(subprocess.Popen([os.path.join(bindir, "edgedesk"), "--headless", "--port", str(ed_port),
                                       "--persist-to", os.path.join(data, "state"), "--log-level", "warning"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if not (wait_port(hello_port) and wait_port(ed_port)):
            sys.exit("servers did not start")
        echo_lua = os.path.join(data, "echo.lua")
        with open(echo_lua, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = "{\\"hello\\":\\"edge\\"}"\n'
                    'wrk.headers["Content-Type"] = "application/json"\n')
        hello_pid, ed_pid = procs[0].pid, procs[1].pid
        # Warm up both once.
        wrk(f"http://127.0.0.1:{hello_port}/", 1, a.connections)
        wrk(f"http://127.0.0.1:{ed_port}/kv", 1, a.connections)
        # Alternating rounds: a neighbour's load that comes and goes hits the ceiling and the routes alike.
        for _ in range(a.rounds):
            row = [measured(f"http://127.0.0.1:{hello_port}/", a.seconds, a.connections, hello_pid)]
            for _, path, script in routes:
                row.append(measured(f"http://127.0.0.1:{ed_port}{path}", a.seconds, a.connections, ed_pid,
                                    echo_lua if script else None))
            rounds.append(row)
    finally:
        for p in procs:
            stop(p, 5)
        shutil.rmtree(data, ignore_errors=True)

    names = ["ceiling: bare QHttpServer /"] + [name for name, _, _ in routes]
    print(f"\nwrk -t1 -c{a.connections} -d{a.seconds}s on loopback, {os.cpu_count()} cores, "
          f"{a.rounds} alternating rounds; the median round of each row")
    print(f"{'route':32} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'vs ceiling':>11} {'non-2xx':>8} "
          f"{'CPU us/req':>11}")
    medians = []
    for k, name in enumerate(names):
        ordered = sorted((r[k] for r in rounds), key=lambda r: r["rps"])
        medians.append(ordered[len(ordered) // 2])
    ceiling = medians[0]
    for name, r in zip(names, medians):
        print(f"{name:32} {r['rps']:10.0f} {r['p50']:8.3f} {r['p99']:8.3f} {r['rps'] / ceiling['rps']:10.0%} "
              f"{r['non2xx']:8d} {r['cpu_us']:11.1f}")
    load = os.getloadavg()[0]
    print(f"\nload average {load:.1f} on {os.cpu_count()} cores")
    print()
    for name, r in zip(names[1:], medians[1:]):
        ratio = r["rps"] / ceiling["rps"]
        ok = ratio >= 0.75 and r["p99"] <= 5.0 and r["non2xx"] == 0
        print(f"{'PASS' if ok else 'MISS'}  {name}: {ratio:.0%} of the ceiling (>= 75%), "
              f"p99 {r['p99']:.2f} ms (<= 5 ms), {r['non2xx']} non-2xx")


if __name__ == "__main__":
    main()
