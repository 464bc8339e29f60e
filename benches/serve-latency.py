#!/usr/bin/env python3
"""Save-to-served latency of `partnerkit serve`: appends a marker to a content file, then times
until the server announces the new build (server-sent event) and serves a page holding it.

    usage: benches/serve-latency.py PARTNERKIT KIT_DIR CONTENT_FILE PAGE_PATH [EDITS]
"""
import http.client, os, shutil, socket, statistics, subprocess, sys, tempfile, time

exe, kit_src, rel, page = sys.argv[1:5]
edits = int(sys.argv[5]) if len(sys.argv) > 5 else 10
work = tempfile.mkdtemp()
kit = os.path.join(work, "kit")
shutil.copytree(kit_src, kit)
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
server = subprocess.Popen([exe, "serve", kit, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    host = f"127.0.0.1:{port}"
    def get(path):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("GET", path, headers={"Host": host})
        r = c.getresponse(); body = r.read().decode("utf-8", "replace"); c.close()
        return r.status, body
    deadline = time.time() + 300
    while True:
        try:
            if get("/")[0] == 200: break
        except OSError: pass
        if time.time() > deadline: sys.exit("serve did not start")
        time.sleep(0.05)
    path = os.path.join(kit, rel)
    original = open(path, encoding="utf-8").read()
    times = []
    for i in range(edits):
        marker = f"marker{i}x{time.time_ns()}"
        t0 = time.perf_counter()
        with open(path, "w", encoding="utf-8") as f:
            f.write(original.rstrip("\n") + f"\n\n{marker}\n")
        while marker not in get(page)[1]:
            time.sleep(0.005)
        times.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.2)
    print(f"{kit_src}: save-to-served median {statistics.median(times):.0f} ms, max {max(times):.0f} ms over {edits} edits")
finally:
    server.kill(); server.wait(); shutil.rmtree(work, ignore_errors=True)
