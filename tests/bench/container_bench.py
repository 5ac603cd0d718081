#!/usr/bin/env python3
"""Container proxy: the router in front of api-backend and command-runner instances.

Usage: tests/bench/container_bench.py [BUILD_DIR] [--seconds N] [--connections C]
                                      [--run-connections R] [--rounds K] [--skip-run]

1. GET /api/api1 through the router against the same request sent straight to one of the
   instances the router manages, in the same run (wrk -t1 -cC -dNs). Targets: router throughput
   >= 50% of direct, router p99 <= 5 ms.
2. POST /run {"command":"echo hi"} through the router at R connections: commands per second and
   p50/p99. Target: >= 300 commands/s. Every command runs in its own bubblewrap sandbox.

Direct and router alternate K times (default 3), then K /run rounds follow; the medians are judged. Besides req/s the
CPU time EdgeDesk and the instances spend per request is printed (from /proc): on a busy machine
throughput swings with the neighbours' load, CPU per request hardly does.
Loopback only, bounded in time; needs wrk and a Release build (default BUILD_DIR build/release).
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, urllib.request

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
    ap.add_argument("--run-connections", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3,
                    help="direct and router measured alternately this many times (medians)")
    ap.add_argument("--skip-run", action="store_true",
                    help="measure only /api/api1, not POST /run (and leave its check out)")
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
    rounds = []
    try:
        if not wait_port(port):
            sys.exit("edgedesk did not start")
        # Start every instance first: cold starts are not what is measured here.
        for cls, n in (("BACKEND", 3),) + ((("LINUX_COMMAND", 2),) if not a.skip_run else ()):
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
        wrk(direct_url, 1, a.connections)  # warm-up: connections, caches, the pool
        wrk(router_url, 1, a.connections)
        if not a.skip_run:
            wrk(run_url, 1, a.run_connections, run_lua)
        # Direct and router alternate, so a neighbour's load that comes and goes hits both alike.
        # The /run rounds come after them: every command's network namespace is torn down by
        # kernel threads after the command has ended, work that would otherwise land in the
        # /api rounds that follow.
        api_rounds = []
        for _ in range(a.rounds):
            direct = measured(direct_url, a.seconds, a.connections, edgedesk.pid, {"api-backend"})
            router = measured(router_url, a.seconds, a.connections, edgedesk.pid, {"api-backend"})
            api_rounds.append((direct, router))
        for direct, router in api_rounds:
            run = None if a.skip_run else measured(run_url, a.seconds, a.run_connections,
                                                    edgedesk.pid, {"command-runner"}, run_lua)
            rounds.append((direct, router, run))
        after = call(port, "GET", "/__edgedesk/v1/containers")
    finally:
        stop(edgedesk)
        shutil.rmtree(data, ignore_errors=True)

    print(f"\nloopback, {os.cpu_count()} cores, wrk -t1 -d{a.seconds}s, {a.rounds} alternating rounds; "
          f"sandbox: {runner['containment']}")
    header = (f"{'':36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
              f"{'CPU us/req: edgedesk':>21} {'instances':>10}")
    names = (f"direct instance-0 /api/api1 c{a.connections}",
             f"router /api/api1 (3 instances) c{a.connections}",
             f"router POST /run echo hi c{a.run_connections}")

    def row(name, r):
        print(f"{name:36} {r['rps']:9.0f} {r['p50']:8.3f} {r['p99']:8.3f} {r['non2xx']:8d} "
              f"{r['edgedesk_us']:21.1f} {r['instances_us']:10.1f}"
              + (f"  socket errors: {r['socket_errors']}" if r["socket_errors"] else ""))

    ratios = []
    for i, (direct, router, run) in enumerate(rounds, 1):
        ratios.append(router["rps"] / direct["rps"])
        print(f"\nround {i} (router/direct {ratios[-1]:.0%})")
        print(header)
        for name, r in zip(names, (direct, router, run)):
            if r:
                row(name, r)
    direct, router = (median_of([r[k] for r in rounds]) for k in range(2))
    run = None if a.skip_run else median_of([r[2] for r in rounds])
    ratio = sorted(ratios)[len(ratios) // 2]
    print("\nmedian round per row")
    print(header)
    for name, r in zip(names, (direct, router, run)):
        if r:
            row(name, r)
    load = os.getloadavg()[0]
    print(f"\nload average {load:.1f} on {os.cpu_count()} cores"
          + (": the machine is busy, so throughput and latency are pessimistic; the CPU columns"
             " hold (instances: the api-backend processes, or command-runner with its sandboxes)"
             if load > 1.5 else ""))
    served = {i["id"]: i["requests"] for c in after["classes"] for i in c["instances"]
              if c["binding"] == "BACKEND"}
    print(f"requests per BACKEND instance: {served}")
    errors = sum(r[k]["non2xx"] for r in rounds for k in (1, 2) if r[k])
    checks = [("router throughput >= 50% of direct (median ratio)", ratio >= 0.5, f"{ratio:.1%}"),
              ("router p99 <= 5 ms", router["p99"] <= 5.0, f"{router['p99']:.3f} ms"),
              ("/run >= 300 commands/s", run["rps"] >= 300, f"{run['rps']:.0f}/s") if run else None,
              ("no errors through the router", errors == 0, f"{errors} non-2xx")]
    print()
    for name, ok, value in filter(None, checks):
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value}")


if __name__ == "__main__":
    main()
