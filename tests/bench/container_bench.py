#!/usr/bin/env python3
"""Container proxy: the router in front of api-backend and command-runner instances.

Usage: tests/bench/container_bench.py [BUILD_DIR] [--seconds N] [--connections C]
                                      [--run-connections R,R2] [--rounds K] [--skip-run]

1. GET /api/api1 through the router against the same request sent straight to one of the
   instances the router manages, in the same run (wrk -t1 -cC -dNs). Targets: router throughput
   >= 50% of direct, router p99 <= 5 ms.
2. POST /run {"command":"echo hi"} through the router at 4 and 16 connections, every command in
   its own bubblewrap sandbox, against an unsandboxed baseline equal to the demo's runner: a
   small server started by this script that runs `/bin/sh -c <command>` per request and answers
   the demo's JSON (what Node's child_process.exec does). Successful commands/s, errors and
   p99 side by side. Target: >= 1.0x the baseline at 16 connections, 0 errors.

Direct and router alternate K times (default 3), then K /run rounds follow, each measuring the
baseline and EdgeDesk alternately at every connection count; the medians are judged. Besides req/s the
CPU time EdgeDesk and the instances spend per request is printed (from /proc): on a busy machine
throughput swings with the neighbours' load, CPU per request hardly does.
Loopback only, bounded in time; needs wrk and a Release build (default BUILD_DIR build/release).
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time, urllib.request

from benchlib import comm, cpu_ticks, descendants, free_port, stop, wait_port, wrk


def measured(url, seconds, connections, edgedesk_pid, programs, script=None):
    """wrk, plus the CPU time EdgeDesk and the instances spent per request: a figure that
    holds on a busy machine, where requests per second do not."""
    hz = os.sysconf("SC_CLK_TCK")
    pids = [p for p in descendants(edgedesk_pid) if comm(p) in programs]
    before = (cpu_ticks(edgedesk_pid), sum(cpu_ticks(p, True) for p in pids))
    result = wrk(url, seconds, connections, script)
    after = (cpu_ticks(edgedesk_pid), sum(cpu_ticks(p, True) for p in pids))
    requests = max(1.0, result["rps"] * seconds)
    result["edgedesk_us"] = (after[0] - before[0]) * 1e6 / hz / requests
    result["instances_us"] = (after[1] - before[1]) * 1e6 / hz / requests
    return result


def serve_exec(port):
    """The unsandboxed baseline: POST /run runs `/bin/sh -c <command>` (30 s timeout) and answers
    the demo's JSON; one thread per connection, keep-alive."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                command = json.loads(body)["command"]
                done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, timeout=30,
                                      stdin=subprocess.DEVNULL)
                answer = {"success": done.returncode == 0, "command": command,
                          "output": done.stdout.decode(errors="replace"),
                          "error": done.stderr.decode(errors="replace"),
                          "exit_code": done.returncode, "timestamp": time.time()}
                status = 200
            except Exception as e:  # noqa: BLE001 - the answer says what went wrong
                answer, status = {"error": {"code": "internal_error", "message": str(e)}}, 500
            out = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def errors_of(r):
    """Non-2xx answers plus socket errors (connect, read, write, timeout)."""
    return r["non2xx"] + sum(int(n) for n in re.findall(r"\d+", r["socket_errors"]))


def ok_rate(r):
    """Successful commands per second."""
    return r["rps"] * max(0, r["requests"] - r["non2xx"]) / max(1, r["requests"])


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


def median_of(results):
    """The round with the median throughput, so that its figures belong together."""
    ordered = sorted(results, key=lambda r: r["rps"])
    return ordered[len(ordered) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--run-connections", default="4,16",
                    help="connection counts of the /run rounds, comma-separated")
    ap.add_argument("--serve-exec", type=int, metavar="PORT", help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, default=3,
                    help="direct and router measured alternately this many times (medians)")
    ap.add_argument("--skip-run", action="store_true",
                    help="measure only /api/api1, not POST /run (and leave its check out)")
    ap.add_argument("--skip-api", action="store_true",
                    help="measure only POST /run, not /api/api1")
    a = ap.parse_args()
    if a.serve_exec:
        serve_exec(a.serve_exec)
        return
    run_connections = [int(c) for c in a.run_connections.split(",")]
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
    baseline = None
    if not a.skip_run:
        baseline_port = free_port()
        baseline = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve-exec",
                                     str(baseline_port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rounds, run_rounds = [], []
    try:
        if not wait_port(port) or (baseline and not wait_port(baseline_port)):
            sys.exit("edgedesk or the baseline did not start")
        # Start every instance first: cold starts are not what is measured here.
        for cls, n in ((("BACKEND", 3),) if not a.skip_api else ()) + \
                ((("LINUX_COMMAND", 2),) if not a.skip_run else ()):
            for i in range(n):
                call(port, "POST", f"/__edgedesk/v1/containers/{cls}/instance-{i}/start")
        status = call(port, "GET", "/__edgedesk/v1/containers")
        backend = next(c for c in status["classes"] if c["binding"] == "BACKEND")
        direct_port = backend["instances"][0]["port"]
        runner = next(c for c in status["classes"] if c["binding"] == "LINUX_COMMAND")
        if a.skip_run:
            runner = dict(runner, containment=f"{runner.get('containment')} (/run skipped)")

        direct_url = f"http://127.0.0.1:{direct_port}/api/api1"
        router_url = f"http://127.0.0.1:{port}/api/api1"
        run_url = f"http://127.0.0.1:{port}/run"
        if not a.skip_api:
            wrk(direct_url, 1, a.connections)  # warm-up: connections, caches, the pool
            wrk(router_url, 1, a.connections)
        if not a.skip_run:
            wrk(run_url, 1, run_connections[-1], run_lua)
            wrk(f"http://127.0.0.1:{baseline_port}/run", 1, run_connections[-1], run_lua)
        # Direct and router alternate, so a neighbour's load that comes and goes hits both alike.
        # The /run rounds come after them: every command's network namespace is torn down by
        # kernel threads after the command has ended, work that would otherwise land in the
        # /api rounds that follow.
        for _ in range(a.rounds if not a.skip_api else 0):
            direct = measured(direct_url, a.seconds, a.connections, edgedesk.pid, {"api-backend"})
            router = measured(router_url, a.seconds, a.connections, edgedesk.pid, {"api-backend"})
            rounds.append((direct, router))
        for _ in range(a.rounds if not a.skip_run else 0):
            row = {}
            for c in run_connections:
                base = measured(f"http://127.0.0.1:{baseline_port}/run", a.seconds, c,
                                baseline.pid, set(), run_lua)
                base["instances_us"] = base["edgedesk_us"]  # the server and its shells
                base["edgedesk_us"] = 0.0
                ours = measured(run_url, a.seconds, c, edgedesk.pid, {"command-runner"}, run_lua)
                row[c] = (base, ours)
            run_rounds.append(row)
        after = call(port, "GET", "/__edgedesk/v1/containers")
    finally:
        stop(edgedesk)
        if baseline:
            stop(baseline)
        shutil.rmtree(data, ignore_errors=True)

    print(f"\nloopback, {os.cpu_count()} cores, wrk -t1 -d{a.seconds}s, {a.rounds} alternating rounds; "
          f"sandbox: {runner['containment']}")
    header = (f"{'':40} {'ok/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
              f"{'CPU us/req: edgedesk':>21} {'instances':>10}")
    names = (f"direct instance-0 /api/api1 c{a.connections}",
             f"router /api/api1 (3 instances) c{a.connections}")

    def row(name, r, note=""):
        print(f"{name:40} {ok_rate(r):9.0f} {r['p50']:8.3f} {r['p99']:8.3f} {errors_of(r):7d} "
              f"{r['edgedesk_us']:21.1f} {r['instances_us']:10.1f}{note}")

    ratios = []
    for i, (direct, router) in enumerate(rounds, 1):
        ratios.append(router["rps"] / direct["rps"])
        print(f"\n/api round {i} (router/direct {ratios[-1]:.0%})")
        print(header)
        row(names[0], direct)
        row(names[1], router)
    for i, r in enumerate(run_rounds, 1):
        print(f"\n/run round {i}: POST /run echo hi")
        print(header)
        for c, (base, ours) in r.items():
            row(f"baseline sh -c per request c{c}", base)
            row(f"EdgeDesk sandboxed c{c}", ours, f"  {ok_rate(ours) / max(1, ok_rate(base)):.2f}x")

    print("\nmedian round per row")
    print(header)
    direct = router = None
    if rounds:
        direct, router = (median_of([r[k] for r in rounds]) for k in range(2))
        row(names[0], direct)
        row(names[1], router)
    run_medians = {}
    for c in (run_connections if run_rounds else []):
        # The median of the per-round ratios: both sides of a ratio ran in the same round.
        pairs = sorted((r[c] for r in run_rounds), key=lambda p: ok_rate(p[1]) / max(1, ok_rate(p[0])))
        base, ours = pairs[len(pairs) // 2]
        run_medians[c] = (base, ours)
        row(f"baseline sh -c per request c{c}", base)
        row(f"EdgeDesk sandboxed c{c}", ours, f"  {ok_rate(ours) / max(1, ok_rate(base)):.2f}x")
    load = os.getloadavg()[0]
    print(f"\nload average {load:.1f} on {os.cpu_count()} cores"
          + (": the machine is busy, so throughput and latency are pessimistic; the CPU columns"
             " hold (instances: the api-backend processes, or command-runner with its sandboxes)"
             if load > 1.5 else ""))
    served = {i["id"]: i["requests"] for c in after["classes"] for i in c["instances"]
              if c["binding"] == "BACKEND"}
    if rounds:
        print(f"requests per BACKEND instance: {served}")
    checks = []
    if rounds:
        ratio = sorted(ratios)[len(ratios) // 2]
        checks += [("router throughput >= 50% of direct (median ratio)", ratio >= 0.5, f"{ratio:.1%}"),
                   ("router p99 <= 5 ms", router["p99"] <= 5.0, f"{router['p99']:.3f} ms")]
    if run_medians:
        c = max(run_medians)
        base, ours = run_medians[c]
        ratio = ok_rate(ours) / max(1, ok_rate(base))
        checks.append((f"/run >= 1.0x the unsandboxed baseline at c{c} (median ratio)", ratio >= 1.0,
                       f"{ratio:.2f}x ({ok_rate(ours):.0f} vs {ok_rate(base):.0f} ok/s)"))
    errors = sum(errors_of(r[1]) for r in rounds) + \
        sum(errors_of(p[1]) for r in run_rounds for p in r.values())
    checks.append(("no errors through EdgeDesk", errors == 0, f"{errors} errors"))
    print()
    for name, ok, value in checks:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value}")


if __name__ == "__main__":
    main()
