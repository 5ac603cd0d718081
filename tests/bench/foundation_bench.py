#!/usr/bin/env python3
"""Router overhead: wrk against edgedesk --headless routes, a bare QHttpServer ceiling and nginx.

Usage: tests/bench/foundation_bench.py [BUILD_DIR] [--seconds N] [--connections C] [--rounds K]
Prints req/s, p50, p99 per route, the ratio to the ceiling and the CPU time each server spends per
request (from /proc; it hardly depends on what else the machine is doing). nginx (one worker,
Debian's nginx-light) serves the same frontend files as EdgeDesk's `/`, as the static ceiling:
EdgeDesk `/` / nginx is printed per round. Loopback only, bounded in time.
"""
import argparse, os, shutil, subprocess, sys, tempfile

DIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "dist")


def nginx_config(folder, port):
    """One worker serving the frontend files, logging nothing, as a static file server would be
    set up for speed."""
    path = os.path.join(folder, "nginx.conf")
    with open(path, "w") as f:
        f.write(f"""worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {os.path.abspath(DIST)};
        index index.html;
    }}
}}
""")
    return path

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
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not nginx:
        sys.exit("nginx is missing: run packaging/install-deps.sh (nginx-light)")
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
        nginx_port = free_port()
        procs.append(subprocess.Popen([nginx, "-c", nginx_config(data, nginx_port), "-p", data],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if not (wait_port(hello_port) and wait_port(ed_port) and wait_port(nginx_port)):
            sys.exit("servers did not start")
        echo_lua = os.path.join(data, "echo.lua")
        with open(echo_lua, "w") as f:
            f.write('wrk.method = "POST"\nwrk.body = "{\\"hello\\":\\"edge\\"}"\n'
                    'wrk.headers["Content-Type"] = "application/json"\n')
        hello_pid, ed_pid = procs[0].pid, procs[1].pid
        # Warm up both once.
        wrk(f"http://127.0.0.1:{hello_port}/", 1, a.connections)
        wrk(f"http://127.0.0.1:{ed_port}/kv", 1, a.connections)
        wrk(f"http://127.0.0.1:{nginx_port}/", 1, a.connections)
        # nginx's one worker does the serving (the master only waits).
        nginx_pid = next((int(c) for c in open(f"/proc/{procs[2].pid}/task/{procs[2].pid}/children")
                          .read().split()), procs[2].pid)
        # Alternating rounds: a neighbour's load that comes and goes hits the ceiling and the routes alike.
        for _ in range(a.rounds):
            row = [measured(f"http://127.0.0.1:{hello_port}/", a.seconds, a.connections, hello_pid),
                   measured(f"http://127.0.0.1:{nginx_port}/", a.seconds, a.connections, nginx_pid)]
            for _, path, script in routes:
                row.append(measured(f"http://127.0.0.1:{ed_port}{path}", a.seconds, a.connections, ed_pid,
                                    echo_lua if script else None))
            rounds.append(row)
    finally:
        for p in procs:
            stop(p, 5)
        shutil.rmtree(data, ignore_errors=True)

    names = ["ceiling: bare QHttpServer /", "static ceiling: nginx 1 worker /"] + \
        [name for name, _, _ in routes]
    print(f"\nEdgeDesk / against nginx / per round: "
          + ", ".join(f"{r[2]['rps'] / r[1]['rps']:.2f}x ({r[2]['rps']:.0f} vs {r[1]['rps']:.0f})"
                      for r in rounds))
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
    # CPU per request hardly depends on the neighbours' load: the figure that holds on a busy machine.
    print("EdgeDesk / against nginx, CPU per request: "
          + ", ".join(f"{r[2]['cpu_us']:.1f} vs {r[1]['cpu_us']:.1f} us (nginx/EdgeDesk {r[1]['cpu_us'] / max(r[2]['cpu_us'], 0.01):.2f})"
                      for r in rounds))
    static = [r[2]["rps"] / r[1]["rps"] for r in rounds]
    print(f"{'PASS' if min(static) >= 1.0 else 'MISS'}  / >= 1.0x nginx in every round: "
          + ", ".join(f"{x:.2f}x" for x in static))
    for name, r in zip(names[2:], medians[2:]):
        ratio = r["rps"] / ceiling["rps"]
        ok = ratio >= 0.75 and r["p99"] <= 5.0 and r["non2xx"] == 0
        print(f"{'PASS' if ok else 'MISS'}  {name}: {ratio:.0%} of the ceiling (>= 75%), "
              f"p99 {r['p99']:.2f} ms (<= 5 ms), {r['non2xx']} non-2xx")


if __name__ == "__main__":
    main()
