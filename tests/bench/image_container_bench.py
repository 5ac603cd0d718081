#!/usr/bin/env python3
"""Container images: cold start of an instance from an image, and /api through image instances.

Usage: tests/bench/image_container_bench.py [BUILD_DIR] [--seconds N] [--connections C] [--rounds K]

1. Start of instance-0 of a class whose "image" is an OCI archive of the static test server
   (tests/containers/images/imagetestserver.cpp, ~1 MB), timed from POST .../start to its answer:
   first with an empty cache (verify + unpack), then again once stopped (cached), against the
   built-in api-backend.
2. GET /api/api1 through the router to 3 image instances (each in its own network namespace,
   reached through a Unix socket relayed to port 8080 inside) against 3 api-backend instances, in
   two EdgeDesk processes measured alternately (wrk -t1 -cC -dNs, K rounds, medians); with the CPU
   time EdgeDesk and the instances spend per request.
Loopback only, bounded in time; needs wrk and a build with the tests (default BUILD_DIR build/release).
"""
import argparse, gzip, hashlib, io, json, os, shutil, subprocess, sys, tarfile, tempfile, time
import urllib.request

from benchlib import free_port, stop, wait_ready, wrk
from container_bench import measured


def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def tar_of(files):
    """An uncompressed tar of {name: (bytes, mode)}."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, (data, mode) in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 1700000000
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def oci_archive(server):
    """An OCI image archive holding the test server at /app/server, listening on 8080."""
    layer_tar = tar_of({"app/server": (server, 0o755),
                        "etc/passwd": (b"root:x:0:0:root:/root:/bin/sh\napp:x:1234:1234::/app:/bin/sh\n", 0o644)})
    layer = gzip.compress(layer_tar, mtime=0)
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"Entrypoint": ["/app/server"], "WorkingDir": "/app", "User": "app",
                                    "ExposedPorts": {"8080/tcp": {}}},
                         "rootfs": {"type": "layers", "diff_ids": [blob(layer_tar)]}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": blob(config), "size": len(config)},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                       "digest": blob(layer), "size": len(layer)}]}).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": blob(manifest),
         "size": len(manifest)}]}).encode()
    files = {"oci-layout": (b'{"imageLayoutVersion":"1.0.0"}', 0o644), "index.json": (index, 0o644)}
    for data in (layer, config, manifest):
        files["blobs/sha256/" + blob(data)[7:]] = (data, 0o644)
    return tar_of(files)


def call(port, method, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    with urllib.request.urlopen(request, timeout=120) as reply:
        return json.loads(reply.read() or b"{}")


def config_for(image):
    return {"name": "image-bench",
            "containers": [{"class_name": "GoBackend", "image": image, "max_instances": 3,
                            "instance_type": "standard", "sleep_after": "1h"}],
            "durable_objects": {"bindings": [{"name": "BACKEND", "class_name": "GoBackend"}]}}


def launch(bindir, folder, image):
    """An EdgeDesk whose BACKEND class runs `image`, with its own state folder."""
    os.makedirs(folder)
    config = os.path.join(folder, "wrangler.jsonc")
    with open(config, "w") as f:
        json.dump(config_for(image), f)
    port = free_port()
    proc = subprocess.Popen([os.path.join(bindir, "edgedesk"), "--headless", "--port", str(port),
                             "--persist-to", os.path.join(folder, "state"), "--config", config,
                             "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_ready(port):
        stop(proc)
        sys.exit("edgedesk did not start")
    return proc, port


def timed_start(port, instance=0):
    began = time.monotonic()
    call(port, "POST", f"/__edgedesk/v1/containers/BACKEND/instance-{instance}/start")
    return (time.monotonic() - began) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build/release")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    for name in ("edgedesk", "api-backend", "edgedesk-image-init", "imagetestserver"):
        if not os.access(os.path.join(bindir, name), os.X_OK):
            sys.exit(f"{bindir}/{name} is missing: build the tree with its tests first")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: run packaging/install-deps.sh")

    work = tempfile.mkdtemp(prefix="edgedesk-image-bench-")
    with open(os.path.join(bindir, "imagetestserver"), "rb") as f:
        archive = oci_archive(f.read())
    image_dir = os.path.join(work, "image")
    procs = []
    try:
        os.makedirs(image_dir)
        with open(os.path.join(image_dir, "server.tar"), "wb") as f:
            f.write(archive)
        image, image_port = launch(bindir, os.path.join(work, "image-edgedesk"),
                                   os.path.join(image_dir, "server.tar"))
        procs.append(image)
        builtin, builtin_port = launch(bindir, os.path.join(work, "builtin-edgedesk"), "api-backend")
        procs.append(builtin)

        starts = {"image, first (sandbox probe, verify, unpack)": timed_start(image_port, 0)}
        call(image_port, "POST", "/__edgedesk/v1/containers/BACKEND/instance-0/stop")
        starts["image, cached"] = timed_start(image_port, 0)
        starts["built-in api-backend, first (sandbox probe)"] = timed_start(builtin_port, 0)
        call(builtin_port, "POST", "/__edgedesk/v1/containers/BACKEND/instance-0/stop")
        starts["built-in api-backend, again"] = timed_start(builtin_port, 0)
        for i in (1, 2):
            timed_start(image_port, i)
            timed_start(builtin_port, i)
        info = call(image_port, "GET", "/__edgedesk/v1/containers/GoBackend")
        image_url = f"http://127.0.0.1:{image_port}/api/api1"
        builtin_url = f"http://127.0.0.1:{builtin_port}/api/api1"
        wrk(image_url, 1, a.connections)
        wrk(builtin_url, 1, a.connections)
        rounds = []
        for _ in range(a.rounds):
            rounds.append((measured(builtin_url, a.seconds, a.connections, builtin.pid, {"api-backend"}),
                           measured(image_url, a.seconds, a.connections, image.pid,
                                    {"imagetestserver", "edgedesk-image-init", "server", "init"})))
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nloopback, {os.cpu_count()} cores; image {info['image_info']['digest'][:19]}, "
          f"{info['image_info']['size']} bytes unpacked; containment: {info.get('containment')}")
    print("\nstart of instance-0, POST .../start until healthy")
    for name, ms in starts.items():
        print(f"  {name:46} {ms:8.1f} ms")
    header = f"{'':40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'CPU us/req: edgedesk':>21} {'instances':>10}"
    names = (f"built-in api-backend x3 /api/api1 c{a.connections}", f"image x3 (own netns) /api/api1 c{a.connections}")
    ordered = [sorted((r[k] for r in rounds), key=lambda r: r["rps"])[len(rounds) // 2] for k in (0, 1)]
    print(f"\nmedian of {a.rounds} alternating rounds, wrk -t1 -d{a.seconds}s")
    print(header)
    for name, r in zip(names, ordered):
        print(f"{name:46} {r['rps']:9.0f} {r['p50']:8.3f} {r['p99']:8.3f} {r['non2xx']:8d} "
              f"{r['edgedesk_us']:21.1f} {r['instances_us']:10.1f}")
    print(f"\nimage / built-in throughput: {ordered[1]['rps'] / ordered[0]['rps']:.0%}; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
