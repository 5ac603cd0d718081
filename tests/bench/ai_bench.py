#!/usr/bin/env python3
"""AI relay overhead: /ai?stream=1 through edgedesk --headless versus the upstream directly.

Usage: tests/bench/ai_bench.py [BUILD_DIR] [--streams N] [--tokens T] [--concurrency C] [--rounds R]

Starts ai-upstream-server (T tokens per stream, no delay between them) and edgedesk --headless
with a config whose "ai" block points at it (provider openai), then, in the same run, measures
with bench-ai-client (a compiled poll() client, so that the client's own cost stays out):
  * N sequential streams straight from the upstream (POST /v1/chat/completions, stream: true)
    and N through EdgeDesk (GET /ai?stream=1), interleaved in blocks of 10
  * R x C streams, C at a time, each way
and prints first-token latency (p50/p95), per-stream time, tokens/s, the CPU each process spent
and the ratios. Targets: first-token overhead <= 5 ms (p50), relay throughput >= 80% of direct.
Loopback only, bounded in time. Not run by ctest.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

from benchlib import cpu_seconds, free_port, wait_port


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Run:
    """Accumulated figures of one side (direct or relay)."""

    def __init__(self):
        self.first, self.total, self.tokens, self.wall = [], [], 0, 0.0
        self.cpu = {}

    def add(self, result, cpu):
        self.first += result["first_ms"]; self.total += result["total_ms"]
        self.tokens += result["tokens"]; self.wall += result["wall_s"]
        for name, seconds in cpu.items():
            self.cpu[name] = self.cpu.get(name, 0.0) + seconds

    def tokens_per_s(self):
        return self.tokens / self.wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--streams", type=int, default=50)
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    for program in ("ai-upstream-server", "edgedesk", "bench-ai-client"):
        if not os.access(os.path.join(bindir, program), os.X_OK):
            sys.exit(f"{bindir}/{program} is missing: build the project in {a.build} first")
    procs = []
    try:
        up_port = free_port()
        procs.append(subprocess.Popen([os.path.join(bindir, "ai-upstream-server"), "--port", str(up_port),
                                       "--tokens", str(a.tokens), "--token-delay-ms", "0"],
                                      stdout=subprocess.DEVNULL))
        data = tempfile.mkdtemp(prefix="edgedesk-ai-bench-")
        config = os.path.join(data, "wrangler.jsonc")
        with open(config, "w") as f:
            json.dump({"name": "ai-bench", "ai": {"binding": "AI", "provider": "openai",
                                                  "base_url": f"http://127.0.0.1:{up_port}/v1",
                                                  "model": "bench"}}, f)
        ed_port = free_port()
        procs.append(subprocess.Popen([os.path.join(bindir, "edgedesk"), "--headless", "--port", str(ed_port),
                                       "--persist-to", data, "--config", config, "--log-level", "warning"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if not (wait_port(up_port) and wait_port(ed_port)):
            sys.exit("servers did not start")
        pids = {"upstream": procs[0].pid, "edgedesk": procs[1].pid}

        def measure(side, streams, concurrency, run=None):
            port = up_port if side == "direct" else ed_port
            before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            out = subprocess.run([os.path.join(bindir, "bench-ai-client"), "--port", str(port), "--target", side,
                                  "--streams", str(streams), "--concurrency", str(concurrency)],
                                 capture_output=True, text=True, timeout=300)
            if out.returncode != 0:
                sys.exit(f"bench-ai-client ({side}) failed: {out.stderr.strip()}")
            result = json.loads(out.stdout)
            if result["tokens"] != streams * a.tokens:
                sys.exit(f"{side}: expected {streams * a.tokens} tokens, got {result['tokens']}")
            if run is not None:
                run.add(result, {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()})

        # Warm up both (connections, caches, the relay's upstream connection).
        measure("direct", 10, 1); measure("relay", 10, 1)

        seq = {"direct": Run(), "relay": Run()}
        left = a.streams
        while left > 0:  # interleaved, so that machine noise hits both alike
            block = min(10, left); left -= block
            for side in ("direct", "relay"):
                measure(side, block, 1, seq[side])
        conc = {"direct": Run(), "relay": Run()}
        for _ in range(a.rounds):
            for side in ("direct", "relay"):
                measure(side, a.concurrency, a.concurrency, conc[side])

        n_conc = a.rounds * a.concurrency
        print(f"\n{a.tokens}-token streams; {a.streams} sequential each way, then {a.rounds} rounds of "
              f"{a.concurrency} concurrent; loopback, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        print(f"{'':26} {'first p50 ms':>12} {'first p95 ms':>12} {'stream p50 ms':>13} {'tokens/s':>9} "
              f"{'CPU ms/stream: upstream':>24} {'edgedesk':>9}")
        for label, run, n in (("sequential direct", seq["direct"], a.streams),
                              ("sequential via /ai", seq["relay"], a.streams),
                              ("concurrent direct", conc["direct"], n_conc),
                              ("concurrent via /ai", conc["relay"], n_conc)):
            print(f"{label:26} {statistics.median(run.first):12.3f} {pct(run.first, 95):12.3f} "
                  f"{statistics.median(run.total):13.3f} {run.tokens_per_s():9.0f} "
                  f"{run.cpu['upstream'] * 1000 / n:24.2f} {run.cpu['edgedesk'] * 1000 / n:9.2f}")
        overhead = statistics.median(seq["relay"].first) - statistics.median(seq["direct"].first)
        ratio = seq["relay"].tokens_per_s() / seq["direct"].tokens_per_s()
        conc_ratio = conc["relay"].tokens_per_s() / conc["direct"].tokens_per_s()
        conc_overhead = statistics.median(conc["relay"].first) - statistics.median(conc["direct"].first)
        per_token_us = seq["relay"].cpu["edgedesk"] * 1e6 / seq["relay"].tokens
        print(f"\nfirst-token overhead (p50): {overhead:.3f} ms sequential, {conc_overhead:.3f} ms concurrent "
              f"(target <= 5 ms: {'ok' if overhead <= 5 else 'MISSED'})")
        print(f"relay throughput: {ratio:.0%} of direct sequential, {conc_ratio:.0%} concurrent "
              f"(target >= 80%: {'ok' if min(ratio, conc_ratio) >= 0.8 else 'MISSED'})")
        print(f"edgedesk CPU per relayed token: {per_token_us:.1f} us (10 ms clock ticks: rough)")
        if os.getloadavg()[0] > os.cpu_count():
            print("note: the load average exceeds the core count; other work competed for the CPU")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
