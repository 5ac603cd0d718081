#!/usr/bin/env python3
"""/image throughput: cold transforms of random sizes against a naive Magick++ pipeline, and cache hits.

Usage: tests/bench/image_wrk_bench.py [BUILD_DIR] [--seconds N] [--connections C] [--rounds R]
                                      [--hit-connections C] [--naive-pool N]
                                      [--naive-magick-threads N] [--other EDGEDESK]

BUILD_DIR defaults to build/release (a Release build; build/dev is one too). The script starts its
own servers on free loopback ports with temporary data folders and removes them afterwards.

What it measures, with the seeded 1600x1200 JPEG sample as the source:
  cold     every request asks for another size: a wrk Lua script walks a sequence of
           /image?width=W&height=H with W in 64..640 and H in 64..480 in which no pair repeats (so
           the transformed-image cache never answers), JPEG out, --connections at once (16).
  naive    the same requests against image_naive_server: a bare QHttpServer whose transforms
           decode the source at full size, resize into the box and encode with EdgeDesk's JPEG
           settings (progressive, quality 85, stripped), ImageMagick left at its defaults (its
           OpenMP threads, as many as cores, per operation; --naive-magick-threads 1 gives it one
           thread per transform like EdgeDesk's), on a pool sized to the cores.
  cached   one URL, warmed once, then served from the image cache: req/s.
  other    with --other PATH, another edgedesk binary (say, a build of an earlier commit) joins
           the cold rounds, for a before/after measured side by side.
EdgeDesk and the naive server alternate for --rounds rounds (the median round of each is judged), so
a neighbour's load that comes and goes hits both alike. Each server's CPU time per transform (from
/proc) is printed too: unlike transforms/s it hardly depends on what else the machine is doing.
The Lua script counts X-EdgeDesk-Image: miss/hit so a cold run that was not cold shows. Every run is
bounded (--seconds each, default 5) and loopback only. The load average is printed before and after:
the figures are only as quiet as the machine was.
"""
import argparse, os, re, shutil, struct, subprocess, sys, tempfile, urllib.request

import benchlib
from benchlib import free_port, wait_port, wait_ready

GOAL_RATIO = 4.0  # cold transforms/s, EdgeDesk over the naive pipeline
CACHED_PATH = "/image?width=120&height=80"
SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "sample",
                      "pristine.jpg")
# Requests per run never come near this: each run starts its own stretch of the size sequence.
SEQUENCE_STRIDE = 40000

# Request k asks for (64 + k*7919 mod 577) x (64 + k*104729 mod 417): 577 and 417 are coprime and
# both multipliers are prime to their modulus, so no size repeats within 577*417 requests.
COLD_LUA = r"""
counter = OFFSET
misses = 0
hits = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function request()
  counter = counter + 1
  local w = 64 + (counter * 7919) % 577
  local h = 64 + (counter * 104729) % 417
  return wrk.format("GET", string.format("/image?width=%d&height=%d", w, h))
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
"""


def wrk(url, seconds, connections, pid, script=None):
    """benchlib.wrk plus the server's CPU per request and the cache counts the Lua script prints."""
    cpu_before = benchlib.cpu_seconds(pid)
    r = benchlib.wrk(url, seconds, connections, script)
    cache = re.search(r"CACHE misses=(\d+) hits=(\d+)", r["output"])
    r["cpu_ms"] = (benchlib.cpu_seconds(pid) - cpu_before) * 1000 / max(r["requests"], 1)
    r["misses"] = int(cache.group(1)) if cache else None
    r["hits"] = int(cache.group(2)) if cache else None
    return r


def fetch(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
        return r.status, r.headers, r.read()


def jpeg_size(data):
    """(width, height) from a JPEG's SOF marker."""
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            break
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    return None


def cold_script(folder, offset):
    path = os.path.join(folder, f"cold-{offset}.lua")
    with open(path, "w") as f:
        f.write(COLD_LUA.replace("OFFSET", str(offset)))
    return path


def median_run(runs):
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def start_edgedesk(binary, data):
    port = free_port()
    proc = subprocess.Popen([binary, "--headless", "--port", str(port), "--persist-to", data,
                             "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return port, proc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--hit-connections", type=int, default=16)
    ap.add_argument("--naive-pool", type=int, default=0,
                    help="transforms the naive server runs at once (default: the cores)")
    ap.add_argument("--naive-magick-threads", type=int, default=0,
                    help="MAGICK_THREAD_LIMIT for the naive server (default: ImageMagick's own)")
    ap.add_argument("--other", help="another edgedesk binary to run the cold rounds too")
    a = ap.parse_args()
    if a.rounds < 1 or a.rounds > 5:
        sys.exit("--rounds is 1..5")
    bindir = os.path.join(a.build, "bin")
    for program in ("edgedesk", "image_naive_server"):
        if not os.path.exists(os.path.join(bindir, program)):
            sys.exit(f"{bindir}/{program} is missing: build the Release tree first")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run packaging/install-deps.sh")

    work = tempfile.mkdtemp(prefix="edgedesk-imagebench-")
    procs = []
    try:
        ed_port, proc = start_edgedesk(os.path.join(bindir, "edgedesk"), os.path.join(work, "state"))
        procs.append(proc)
        naive_port = free_port()
        naive_cmd = [os.path.join(bindir, "image_naive_server"), SOURCE]
        if a.naive_pool > 0:
            naive_cmd += ["--pool", str(a.naive_pool)]
        naive_env = {**os.environ, "PORT": str(naive_port)}
        if a.naive_magick_threads > 0:
            naive_env["MAGICK_THREAD_LIMIT"] = str(a.naive_magick_threads)
        procs.append(subprocess.Popen(naive_cmd, env=naive_env, stdout=subprocess.DEVNULL))
        other_port = None
        if a.other:
            other_port, proc = start_edgedesk(a.other, os.path.join(work, "other"))
            procs.append(proc)
            if not wait_ready(other_port):
                sys.exit(f"{a.other} did not start")
        if not (wait_ready(ed_port) and wait_port(naive_port)):
            sys.exit("the servers did not start")
        ed_pid, naive_pid = procs[0].pid, procs[1].pid
        other_pid = procs[2].pid if a.other else None

        # Both do the same job: a JPEG of the same size for the same box.
        probe = "/image?width=300&height=200"
        sizes = []
        for port in (ed_port, naive_port):
            status, headers, body = fetch(port, probe)
            if status != 200 or headers.get("Content-Type") != "image/jpeg":
                sys.exit(f"{probe} on port {port} answered {status} {headers.get('Content-Type')}")
            sizes.append(jpeg_size(body))
        if sizes[0] != sizes[1]:
            sys.exit(f"{probe}: EdgeDesk made {sizes[0]}, the naive pipeline {sizes[1]}")

        load_before = os.getloadavg()
        # Warm-up (coders loaded, pools started) on a stretch of sizes the rounds never use.
        warm = cold_script(work, 5 * SEQUENCE_STRIDE)
        wrk(f"http://127.0.0.1:{ed_port}/", 1, a.connections, ed_pid, warm)
        wrk(f"http://127.0.0.1:{naive_port}/", 1, a.connections, naive_pid, warm)
        if other_port:
            wrk(f"http://127.0.0.1:{other_port}/", 1, a.connections, other_pid, warm)
        rounds, others = [], []
        for r in range(a.rounds):
            script = cold_script(work, r * SEQUENCE_STRIDE)
            ours = wrk(f"http://127.0.0.1:{ed_port}/", a.seconds, a.connections, ed_pid, script)
            naive = wrk(f"http://127.0.0.1:{naive_port}/", a.seconds, a.connections, naive_pid,
                        script)
            rounds.append((ours, naive))
            if other_port:
                others.append(wrk(f"http://127.0.0.1:{other_port}/", a.seconds, a.connections,
                                  other_pid, script))

        for _ in range(2):
            status, headers, _ = fetch(ed_port, CACHED_PATH)
        if status != 200 or headers.get("X-EdgeDesk-Image") != "hit":
            sys.exit(f"the warmed URL is not a cache hit: {status} {headers.get('X-EdgeDesk-Image')}")
        wrk(f"http://127.0.0.1:{ed_port}{CACHED_PATH}", 1, a.hit_connections, ed_pid)
        cached = wrk(f"http://127.0.0.1:{ed_port}{CACHED_PATH}", a.seconds, a.hit_connections,
                     ed_pid)
        load_after = os.getloadavg()
    finally:
        for p in procs:
            benchlib.stop(p, 5)
        shutil.rmtree(work, ignore_errors=True)

    print(f"\ncold /image of the 1600x1200 sample, a new size in 64x64..640x480 per request, JPEG out; "
          f"wrk -t1 -c{a.connections} -d{a.seconds}s, loopback, {os.cpu_count()} cores, "
          f"{a.rounds} alternating rounds; naive ImageMagick threads: "
          f"{a.naive_magick_threads or 'its default'}")
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    header = (f"{'run':28} {'transforms/s':>12} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
              f"{'misses':>7} {'hits':>5} {'CPU ms/transform':>17}")

    def row(name, r):
        misses = "" if r["misses"] is None else str(r["misses"])
        hits = "" if r["hits"] is None else str(r["hits"])
        print(f"{name:28} {r['rps']:12.1f} {r['p50']:8.1f} {r['p99']:8.1f} {r['non2xx']:8d} "
              f"{misses:>7} {hits:>5} {r['cpu_ms']:17.2f}")

    print(header)
    for i, (ours, naive) in enumerate(rounds, 1):
        row(f"round {i}: EdgeDesk", ours)
        row(f"round {i}: naive Magick++", naive)
        print(f"{'':28} ratio {ours['rps'] / naive['rps']:.2f}x transforms/s, "
              f"{naive['cpu_ms'] / ours['cpu_ms']:.2f}x less CPU per transform")
        if others:
            other = others[i - 1]
            row(f"round {i}: other EdgeDesk", other)
            print(f"{'':28} ratio {other['rps'] / naive['rps']:.2f}x transforms/s, "
                  f"{naive['cpu_ms'] / other['cpu_ms']:.2f}x less CPU per transform")
    ours = median_run([r[0] for r in rounds])
    naive = median_run([r[1] for r in rounds])
    print("\nmedian round of each")
    print(header)
    row("cold: EdgeDesk", ours)
    row("cold: naive Magick++", naive)
    if others:
        row("cold: other EdgeDesk", median_run(others))
    row(f"cached hits (-c{a.hit_connections})", cached)
    ratios = sorted(o["rps"] / n["rps"] for o, n in rounds)
    ratio = ratios[len(ratios) // 2]
    errors = sum(o["non2xx"] for o, _ in rounds)
    warm_hits = sum(o["hits"] or 0 for o, _ in rounds)
    print(f"\ncold ratio (median of the rounds' ratios): {ratio:.2f}x transforms/s "
          f"(rounds {', '.join(f'{x:.2f}x' for x in ratios)}); "
          f"CPU per transform {naive['cpu_ms'] / ours['cpu_ms']:.2f}x less")
    if others:
        other_ratios = sorted(o["rps"] / n["rps"] for o, (_, n) in zip(others, rounds))
        print(f"other EdgeDesk ({a.other}): {other_ratios[len(other_ratios) // 2]:.2f}x the naive "
              f"pipeline; this build {ratio / other_ratios[len(other_ratios) // 2]:.2f}x the other")
    cores = os.cpu_count()
    print(f"CPU per transform bounds an idle {cores}-core machine at about "
          f"{cores * 1000 / ours['cpu_ms']:.0f} cold transforms/s for EdgeDesk and "
          f"{cores * 1000 / naive['cpu_ms']:.0f} for the naive pipeline, before the client's share")
    ok = ratio >= GOAL_RATIO and errors == 0 and warm_hits == 0
    print(f"goal >= {GOAL_RATIO:.0f}x the naive pipeline, no errors, no cache hits in a cold run: "
          f"{'met' if ok else 'NOT met'} ({errors} non-2xx, {warm_hits} hits)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
