#!/usr/bin/env python3
"""Container proxy: the router in front of api-backend and command-runner instances.

Usage: tests/bench/container_bench.py [BUILD_DIR] [--seconds N] [--connections C]
                                      [--run-connections R]

1. GET /api/api1 through the router against the same request sent straight to one of the
   instances the router manages, in the same run (wrk -t1 -cC -dNs). Targets: router throughput
   >= 50% of direct, router p99 <= 5 ms.
2. POST /run {"command":"echo hi"} through the router at R connections: commands per second and
   p50/p99. Target: >= 300 commands/s. Every command runs in its own bubblewrap sandbox.

Loopback only, bounded in time; needs wrk and a Release build (default BUILD_DIR build/release).
"""
import argparse, json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def wait_port(port, timeout=20):
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
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"99%\s+(\S+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def call(port, method, path, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=body,
                                     headers={"Content-Type": "application/json"} if body else {})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.loads(reply.read() or b"{}")


CONFIG = {
    "name": "container-bench",
    "containers": [
        {"class_name": "GoBackend", "image": "api-backend", "max_instances": 3,
         "instance_type": "basic", "sleep_after": "1h"},
        {"class_name": "LinuxCommandContainer", "image": "command-runner", "max_instances": 2,
         "instance_type": "basic", "sleep_after": "1h", "command_network": "none"},
    ],
    "durable_objects": {"bindings": [
        {"name": "BACKEND", "class_name": "GoBackend"},
        {"name": "LINUX_COMMAND", "class_name": "LinuxCommandContainer"}]},
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--run-connections", type=int, default=4)
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    for name in ("edgedesk", "api-backend", "command-runner"):
        if not os.access(os.path.join(bindir, name), os.X_OK):
            sys.exit(f"{bindir}/{name} is missing: build the Release tree first")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run packaging/install-deps.sh")

    data = tempfile.mkdtemp(prefix="edgedesk-container-bench-")
    config = os.path.join(data, "wrangler.jsonc")
    with open(config, "w") as f:
        json.dump(CONFIG, f)
    run_lua = os.path.join(data, "run.lua")
    with open(run_lua, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = "{\\"command\\":\\"echo hi\\"}"\n'
                'wrk.headers["Content-Type"] = "application/json"\n')
    port = free_port()
    edgedesk = subprocess.Popen([os.path.join(bindir, "edgedesk"), "--headless", "--port", str(port),
                                 "--persist-to", os.path.join(data, "state"), "--config", config,
                                 "--log-level", "warning"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_port(port):
            sys.exit("edgedesk did not start")
        # Start every instance first: cold starts are not what is measured here.
        for cls, n in (("BACKEND", 3), ("LINUX_COMMAND", 2)):
            for i in range(n):
                call(port, "POST", f"/__edgedesk/v1/containers/{cls}/instance-{i}/start")
        status = call(port, "GET", "/__edgedesk/v1/containers")
        backend = next(c for c in status["classes"] if c["binding"] == "BACKEND")
        direct_port = backend["instances"][0]["port"]
        runner = next(c for c in status["classes"] if c["binding"] == "LINUX_COMMAND")

        direct_url = f"http://127.0.0.1:{direct_port}/api/api1"
        router_url = f"http://127.0.0.1:{port}/api/api1"
        wrk(direct_url, 1, a.connections)  # warm-up: connections, caches, the pool
        wrk(router_url, 1, a.connections)
        direct = wrk(direct_url, a.seconds, a.connections)
        router = wrk(router_url, a.seconds, a.connections)
        wrk(f"http://127.0.0.1:{port}/run", 1, a.run_connections, run_lua)
        run = wrk(f"http://127.0.0.1:{port}/run", a.seconds, a.run_connections, run_lua)
        after = call(port, "GET", "/__edgedesk/v1/containers")
    finally:
        edgedesk.terminate()
        try:
            edgedesk.wait(10)
        except subprocess.TimeoutExpired:
            edgedesk.kill()
        shutil.rmtree(data, ignore_errors=True)

    ratio = router["rps"] / direct["rps"]
    print(f"\nloopback, {os.cpu_count()} cores, wrk -t1 -d{a.seconds}s; sandbox: {runner['containment']}")
    print(f"{'':34} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    rows = [(f"direct instance-0 /api/api1 c{a.connections}", direct),
            (f"router /api/api1 (3 instances) c{a.connections}", router),
            (f"router POST /run echo hi c{a.run_connections}", run)]
    for name, r in rows:
        print(f"{name:34} {r['rps']:10.0f} {r['p50']:8.3f} {r['p99']:8.3f} {r['non2xx']:8d}"
              + (f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""))
    served = {i["id"]: i["requests"] for c in after["classes"] for i in c["instances"]
              if c["binding"] == "BACKEND"}
    print(f"\nrequests per BACKEND instance: {served}")
    checks = [("router throughput >= 50% of direct", ratio >= 0.5, f"{ratio:.0%}"),
              ("router p99 <= 5 ms", router["p99"] <= 5.0, f"{router['p99']:.3f} ms"),
              ("/run >= 300 commands/s", run["rps"] >= 300, f"{run['rps']:.0f}/s"),
              ("no errors", router["non2xx"] == 0 and run["non2xx"] == 0,
               f"{router['non2xx']} + {run['non2xx']} non-2xx")]
    for name, ok, value in checks:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value}")


if __name__ == "__main__":
    main()
