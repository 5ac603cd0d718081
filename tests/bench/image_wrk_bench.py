#!/usr/bin/env python3
"""/image throughput: cold transforms and cache hits, with wrk against `edgedesk --headless`.

Usage: tests/bench/image_wrk_bench.py [BUILD_DIR] [--seconds N] [--cold-connections C]
                                      [--hit-connections C]

BUILD_DIR defaults to build/release (a Release build: `cmake -B build/release
-DCMAKE_BUILD_TYPE=Release ... && ninja -C build/release edgedesk`). The script starts its own
servers on free loopback ports with temporary data folders and removes them afterwards.

What it measures, on `/image?width=120&height=80` of the seeded 1600x1200 sample:
  cold     every request misses the cache: a wrk Lua script gives each request its own
           `background` colour (#000001, #000002, ...). For an opaque JPEG scaled down,
           `background` changes no pixel, so every request is the same decode/resize/encode,
           yet a distinct cache key. Reported as transforms/s with p50/p99 latency.
  cold, shrink-on-load off
           the same, against a second server started with EDGEDESK_IMAGE_SHRINK_ON_LOAD=0
           (read once at start by the image binding; for benchmarks only), which decodes the
           JPEG at full size instead of letting libjpeg scale it down while decoding.
  cached   one URL, warmed once, then served from the image cache: req/s.
The server's CPU time per request (from /proc) is printed too: unlike req/s it hardly depends
on what else the machine is doing.
The Lua script also counts X-EdgeDesk-Image: miss/hit so a cold run that was not cold shows.
Runs are bounded (--seconds each, default 5) and loopback only. The load average is printed
before and after: the figures are only as quiet as the machine was.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, urllib.request

import benchlib
from benchlib import free_port, wait_ready

TARGET_COLD = 250.0      # transforms/s
TARGET_CACHED = 20000.0  # req/s
PATH = "/image?width=120&height=80"

COLD_LUA = r"""
-- One cache miss per request: a fresh `background` each time (no effect on an opaque JPEG).
counter = 0
misses = 0
hits = 0
local threads = {}
function setup(thread)
  thread:set("offset", #threads * 1000000)
  table.insert(threads, thread)
end
function request()
  counter = counter + 1
  local path = string.format("%s&background=%%23%06x", "PATH", (offset or 0) + counter)
  return wrk.format("GET", path)
end
function response(status, headers, body)
  local state = headers["X-EdgeDesk-Image"]
  if state == "miss" then misses = misses + 1 elseif state == "hit" then hits = hits + 1 end
end
function done(summary, latency, requests)
  local m, h = 0, 0
  for _, t in ipairs(threads) do
    m = m + t:get("misses")
    h = h + t:get("hits")
  end
  io.write(string.format("CACHE misses=%d hits=%d\n", m, h))
end
""".replace("PATH", PATH)


def wrk(url, seconds, connections, script=None, pid=None):
    """benchlib.wrk plus the server's CPU per request and the cache counts the Lua script prints."""
    cpu_before = benchlib.cpu_seconds(pid) if pid else None
    r = benchlib.wrk(url, seconds, connections, script)
    cache = re.search(r"CACHE misses=(\d+) hits=(\d+)", r["output"])
    r["cpu_ms"] = (benchlib.cpu_seconds(pid) - cpu_before) * 1000 / max(r["requests"], 1) if pid else None
    r["errors"] = r["non2xx"]
    r["misses"] = int(cache.group(1)) if cache else None
    r["hits"] = int(cache.group(2)) if cache else None
    return r


def fetch(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
        return r.status, r.headers, r.read()


class Server:
    """`edgedesk --headless` on a free port with its own temporary data folder."""

    def __init__(self, bindir, env_extra):
        self.data = tempfile.mkdtemp(prefix="edgedesk-imagebench-")
        self.port = free_port()
        env = {**os.environ, **env_extra}
        self.proc = subprocess.Popen(
            [os.path.join(bindir, "edgedesk"), "--headless", "--port", str(self.port),
             "--persist-to", self.data, "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_ready(self.port):
            self.stop()
            sys.exit("edgedesk did not start")

    def stop(self):
        benchlib.stop(self.proc)
        shutil.rmtree(self.data, ignore_errors=True)


def cold_run(bindir, env_extra, seconds, connections, lua):
    server = Server(bindir, env_extra)
    try:
        status, headers, body = fetch(server.port, PATH + "&background=%23ffffff")
        if status != 200 or headers.get("Content-Type") != "image/jpeg":
            sys.exit(f"/image answered {status} {headers.get('Content-Type')}")
        return wrk(f"http://127.0.0.1:{server.port}{PATH}", seconds, connections, lua,
                   server.proc.pid)
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--cold-connections", type=int, default=4)
    ap.add_argument("--hit-connections", type=int, default=16)
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    if not os.path.exists(os.path.join(bindir, "edgedesk")):
        sys.exit(f"{bindir}/edgedesk is missing: build the Release tree first")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run packaging/install-deps.sh")

    work = tempfile.mkdtemp(prefix="edgedesk-imagebench-lua-")
    try:
        lua = os.path.join(work, "cold.lua")
        with open(lua, "w") as f:
            f.write(COLD_LUA)
        load_before = os.getloadavg()
        rows = []
        rows.append(("cold, shrink-on-load (default)", a.cold_connections,
                     cold_run(bindir, {"EDGEDESK_IMAGE_SHRINK_ON_LOAD": "1"}, a.seconds,
                              a.cold_connections, lua)))
        rows.append(("cold, shrink-on-load off", a.cold_connections,
                     cold_run(bindir, {"EDGEDESK_IMAGE_SHRINK_ON_LOAD": "0"}, a.seconds,
                              a.cold_connections, lua)))
        server = Server(bindir, {})
        try:
            status, headers, _ = fetch(server.port, PATH)
            status, headers, _ = fetch(server.port, PATH)
            if status != 200 or headers.get("X-EdgeDesk-Image") != "hit":
                sys.exit(f"the warmed URL is not a cache hit: {status} {headers.get('X-EdgeDesk-Image')}")
            wrk(f"http://127.0.0.1:{server.port}{PATH}", 1, a.hit_connections)  # warm-up
            rows.append(("cached hits", a.hit_connections,
                         wrk(f"http://127.0.0.1:{server.port}{PATH}", a.seconds, a.hit_connections,
                             pid=server.proc.pid)))
        finally:
            server.stop()
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{PATH} on the 1600x1200 sample; wrk -t1, {a.seconds}s per run, loopback, "
          f"{os.cpu_count()} cores")
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"{'run':34} {'conns':>5} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
          f"{'misses':>7} {'hits':>6} {'server CPU ms/req':>18}")
    for name, conns, r in rows:
        misses = "" if r["misses"] is None else str(r["misses"])
        hits = "" if r["hits"] is None else str(r["hits"])
        print(f"{name:34} {conns:5d} {r['rps']:10.1f} {r['p50']:8.2f} {r['p99']:8.2f} "
              f"{r['errors']:8d} {misses:>7} {hits:>6} {r['cpu_ms']:18.3f}")
    cold, noshrink, cached = rows[0][2], rows[1][2], rows[2][2]
    print(f"\nshrink-on-load gain: {cold['rps'] / noshrink['rps']:.2f}x transforms/s, "
          f"{noshrink['cpu_ms'] / cold['cpu_ms']:.2f}x less server CPU per transform")
    cores = os.cpu_count()
    print(f"server CPU per request bounds an idle {cores}-core machine at about "
          f"{cores * 1000 / cold['cpu_ms']:.0f} cold transforms/s (pool of {cores}) and "
          f"{1000 / cached['cpu_ms']:.0f} cached req/s (one server thread), before the client's share")
    ok_cold = cold["rps"] >= TARGET_COLD
    ok_cached = cached["rps"] >= TARGET_CACHED
    print(f"target cold >= {TARGET_COLD:.0f} transforms/s: {'met' if ok_cold else 'NOT met'}; "
          f"target cached >= {TARGET_CACHED:.0f} req/s: {'met' if ok_cached else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
