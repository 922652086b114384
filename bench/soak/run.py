#!/usr/bin/env python3
"""Soak and saturation: `yanbao serve` under bounded mixed load for minutes, with uploads and
hostile clients beside it (issue 13 item 4; docs/RELIABILITY.md "Hours of traffic ...").

Usage: bench/soak/run.py PATH/TO/yanbao [--minutes 10] [--library DIR] [--quick] [--port N]

The library is the 498 qznan industry reports when ../shared/corpus (or /work/shared/corpus) is
present, else the repo samples and generated text; some reports are held back and uploaded
during the run. The load is wrk (one thread, a fixed connection count) with bench/soak/mixed.lua
— searches over the corpus's topic words, search pages, preview pages, report lists, report and
preview JSON — run in slices (a minute each; 25 s with --quick) so requests/s, p50, p99 and errors
are known per slice. Beside it: an upload every few seconds (POST /api/reports, a real report),
and every 20 s or so a slowloris client (a header line every 2 s, never ending), 20 idle
connections and a request with a 256 KiB header. The server's RSS (/proc/PID/status) and open
descriptors (/proc/PID/fd) are sampled every second.

Passes (exit 0) when: the load saw no non-2xx/3xx answer and no socket error in any slice;
every upload was answered 200/201; every slowloris client was cut off within the header-read
timeout (15 s) plus 10 s and every oversized header refused (431 or closed); the last slice's p99
is at most 1.5 x the first slice's p99, plus an absolute allowance for scheduling noise on a
shared machine (2 ms; 25 ms with --quick, which CI runs with the debug binary); the RSS grew by
at most max(10 %, 48 MiB) over the second half (see RSS_ALLOWANCE), anonymous memory, settled, by
at most 8 MiB (ANON_ALLOWANCE; 16 MiB with --quick); and the descriptors open when
the load and the hostile clients are gone are at most 8 more than before the load. Otherwise it
exits 1 and says which rule failed. --quick (2 slices of 25 s, 40 reports) is what CI runs; when
wrk is missing it skips (exit 0) unless YANBAO_REQUIRE_SOAK=1, where it fails.
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
# The server's default header-read timeout (ServerConfig::header_read_timeout).
HEADER_TIMEOUT = 15.0
# A slowloris client must be gone this long after the header-read timeout at the latest.
CUT_SLACK = 10.0
# Second-half RSS growth allowed: 10 % of the RSS at half time, or 48 MiB if more. What may still
# grow once every request kind has run for minutes: the library itself (each upload adds a report
# to the SQLite store and a segment to the search index, whose mapped pages count in RSS), and the
# index writer's arena (128 MiB budget, DISK_WRITER_HEAP, touched piecewise by uploads); the other
# caches are small and fixed (2,000 distinct queries in the query log, SQLite's 2 MB page cache
# per connection). A leak of a few KiB per request (~10^6 requests in 10 minutes) is far beyond it.
RSS_ALLOWANCE = (0.10, 48 * 1024)
# Second-half growth of anonymous memory (the heap) allowed: 8 MiB. Its bounded parts (the index
# writer's arena, the query log, SQLite's page cache) reach their working size in the first half;
# after the metrics fix the 10-minute run grew by about 1 MB in its second half, while the
# histogram leak it found grew ~2 MB a minute (10+ MB over a second half of 5 minutes).
ANON_ALLOWANCE = 8 * 1024
# --quick's second half is 25 s, too short for those bounded parts to settle (CI's run of
# 2026-11-30 grew 132 MB in the first slice and 8.3 MB in the second, with uploads still touching
# the writer's arena): it allows 16 MiB, which still catches a leak of ~1.5 KiB per request
# (~11,000 requests a slice). A leak as slow as the histogram one only the long run can see.
ANON_ALLOWANCE_QUICK = 16 * 1024
# Anonymous memory is compared settled: the median of the first and of the last SETTLE samples
# (one a second) of the second half, so an upload's transient peak (its parse and commit) at one
# sample is not read as growth, while a leak, which grows steadily, moves the median as well.
SETTLE = 5
FD_ALLOWANCE = 8


def find_corpus():
    for base in (REPO.parent / "shared" / "corpus", Path("/work/shared/corpus")):
        src = base / "text" / "qznan" / "yanbao_498_industry_reports_source_content.jsonl"
        if src.is_file():
            return src
    return None


def qznan_reports(src):
    """The qznan reports as Markdown, as bench/load/qznan.sh writes them: (name, text)."""
    out = []
    for n, line in enumerate(open(src, encoding="utf-8")):
        d = json.loads(line)
        sents = [s for s in re.split(r"(?<=[。！？])", d["text"]) if s.strip()]
        paras = ["".join(sents[i:i + 4]) for i in range(0, len(sents), 4)]
        title = d["pdf_name"].removesuffix(".pdf")
        out.append(("r%03d.md" % n, "# %s\n\n%s\n" % (title, "\n\n".join(paras))))
    return out


def generated_reports(count):
    """Text reports built from the repo's Markdown/text samples, shuffled into new reports."""
    paras = []
    for p in sorted((REPO / "samples").glob("*")):
        if p.suffix in (".md", ".txt"):
            paras += [x.strip() for x in p.read_text(encoding="utf-8").split("\n\n") if len(x.strip()) > 20]
    rng = random.Random(13)
    out = []
    for n in range(count):
        body = "\n\n".join(rng.sample(paras, min(len(paras), 12)))
        out.append(("gen%03d.md" % n, "# 生成报告 %d：%s\n\n%s\n" % (n, paras[n % len(paras)][:20], body)))
    return out


def build_library(binary, data, quick):
    """Ingests the library unless DATA already holds one; returns the reports kept for upload."""
    src = find_corpus()
    reports = qznan_reports(src) if src else generated_reports(60)
    if quick:
        reports = reports[:40]
    held = max(10, len(reports) // 5)
    base, uploads = reports[:-held], reports[-held:]
    marker = data / ".soak-built"
    if not marker.exists():
        shutil.rmtree(data, ignore_errors=True)
        with tempfile.TemporaryDirectory() as docs:
            for name, text in base:
                Path(docs, name).write_text(text, encoding="utf-8")
            if not src:
                for p in (REPO / "samples").glob("*"):
                    if p.suffix in (".md", ".txt"):
                        shutil.copy(p, docs)
            start = time.time()
            subprocess.run([binary, "--data", str(data), "ingest", docs], check=False, stdout=subprocess.DEVNULL)
            print("library: ingested %d %s reports in %.1f s" % (len(base), "qznan" if src else "generated", time.time() - start))
        marker.write_text("ok")
    else:
        print("library: reusing %s" % data)
    queries = (HERE.parent / "load" / "qznan-queries.txt").read_text(encoding="utf-8").split("\n") if src else \
        ["新能源汽车", "半导体", "白酒", "美联储", "储能", "光伏", "晶圆代工", "利率", "出口", "复苏", "alphabet", "revenue"]
    return uploads, [q for q in queries if q.strip()], "qznan" if src else "generated"


def wait_ready(port, proc, timeout=300):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            sys.exit("the server exited while starting (code %s)" % proc.returncode)
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("the server did not answer /healthz in %d s" % timeout)


def proc_sample(pid):
    rss = anon = 0
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("RssAnon:"):
            anon = int(line.split()[1])
    return rss, anon, len(os.listdir("/proc/%d/fd" % pid))


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop, self.slice = pid, [], threading.Event(), -1

    def run(self):
        while not self.stop.is_set():
            try:
                self.samples.append((time.time(), self.slice) + proc_sample(self.pid))
            except OSError:
                return
            self.stop.wait(1.0)


class Uploader(threading.Thread):
    """POSTs a held-back report every `every` seconds (then again: answered 200, unchanged)."""

    def __init__(self, port, token, reports, every):
        super().__init__(daemon=True)
        self.port, self.token, self.reports, self.every = port, token, reports, every
        self.stop, self.done, self.failures, self.latencies = threading.Event(), 0, [], []

    def run(self):
        n = 0
        while not self.stop.wait(self.every):
            name, text = self.reports[n % len(self.reports)]
            n += 1
            boundary = "soak%d" % n
            body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\nContent-Type: text/markdown\r\n\r\n" % (boundary, name)).encode() \
                + text.encode("utf-8") + ("\r\n--%s--\r\n" % boundary).encode()
            req = urllib.request.Request("http://127.0.0.1:%d/api/reports" % self.port, data=body, method="POST",
                                         headers={"Authorization": "Bearer " + self.token, "Content-Type": "multipart/form-data; boundary=" + boundary})
            start = time.time()
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    status = r.status
                    r.read()
            except urllib.error.HTTPError as e:
                status = e.code
            except OSError as e:
                status = str(e)
            self.latencies.append(time.time() - start)
            if status in (200, 201):
                self.done += 1
            else:
                self.failures.append("%s: %s" % (name, status))


class Hostile(threading.Thread):
    """Every `every` seconds: a slowloris client, 20 idle connections and a 256 KiB header."""

    def __init__(self, port, every):
        super().__init__(daemon=True)
        self.port, self.every = port, every
        self.stop, self.cuts, self.failures, self.headers_refused, self.idle_closed = threading.Event(), [], [], 0, 0
        self.threads = []

    def slowloris(self):
        start = time.time()
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            s.sendall(b"GET /search?q=x HTTP/1.1\r\nHost: soak\r\n")
            s.settimeout(2.0)
            while time.time() - start < HEADER_TIMEOUT + CUT_SLACK:
                s.sendall(b"X-Slow: %d\r\n" % int(time.time()))
                try:
                    if not s.recv(4096):
                        break
                except socket.timeout:
                    continue
            else:
                self.failures.append("a slowloris client was still connected after %.0f s" % (time.time() - start))
                s.close()
                return
            s.close()
        except OSError:
            pass  # reset or broken pipe: cut off
        self.cuts.append(time.time() - start)

    def idle(self):
        conns = []
        for _ in range(20):
            try:
                conns.append(socket.create_connection(("127.0.0.1", self.port), timeout=5))
            except OSError as e:
                self.failures.append("an idle connection could not connect: %s" % e)
        deadline = time.time() + HEADER_TIMEOUT + CUT_SLACK
        for c in conns:
            c.settimeout(max(0.1, deadline - time.time()))
            try:
                if c.recv(1) == b"":
                    self.idle_closed += 1
                    continue
            except socket.timeout:
                self.failures.append("an idle connection was still open after %.0f s" % (HEADER_TIMEOUT + CUT_SLACK))
            except OSError:
                self.idle_closed += 1
            finally:
                c.close()

    def big_header(self):
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            try:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: soak\r\nX-Big: " + b"a" * (256 * 1024) + b"\r\nConnection: close\r\n\r\n")
            except OSError:
                pass  # closed while sending: refused
            answer = b""
            try:
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    answer += d
            except OSError:
                pass
            s.close()
            status = answer.split(b" ")[1] if answer.count(b" ") else b""
            if status in (b"431", b""):
                self.headers_refused += 1
            else:
                self.failures.append("a 256 KiB header was answered %s" % status.decode(errors="replace"))
        except OSError as e:
            self.failures.append("the oversized-header client could not connect: %s" % e)

    def run(self):
        while not self.stop.wait(self.every):
            for f in (self.slowloris, self.idle, self.big_header):
                t = threading.Thread(target=f, daemon=True)
                t.start()
                self.threads.append(t)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(HEADER_TIMEOUT + CUT_SLACK + 5)


def report_ids(port, want=200):
    ids, offset = [], 0
    while len(ids) < want:
        page = json.load(urllib.request.urlopen("http://127.0.0.1:%d/api/reports?offset=%d&limit=100" % (port, offset)))
        got = [r["id"] for r in page.get("reports", [])]
        if not got:
            break
        ids += got
        offset += len(got)
    return ids[:want]


def run_wrk(port, seconds, connections, env):
    out = subprocess.run(["wrk", "-t1", "-c%d" % connections, "-d%ds" % seconds, "--timeout", "5s", "--latency",
                          "-s", str(HERE / "mixed.lua"), "http://127.0.0.1:%d" % port], capture_output=True, text=True, env=env)
    m = re.search(r"^RESULT (.*)$", out.stdout, re.M)
    if not m:
        sys.exit("wrk gave no result:\n%s\n%s" % (out.stdout, out.stderr))
    r = {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    # wrk's own lines, as the issue names them (the Lua summary counts the same).
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    r["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    r["socket_errors"] = int(r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_timeout"])
    return r


HEADER = "\n%5s %9s %9s %9s %9s %8s %7s %9s %9s %5s %5s" % ("slice", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "RSS MB", "anon MB", "fds", "load")


def row(k, r, samples):
    """A line of the table: the slice's wrk figures and the largest RSS, anonymous RSS and fds."""
    ss = [s for s in samples if s[1] == k]
    rss = max(s[2] for s in ss) / 1024 if ss else 0
    anon = max(s[3] for s in ss) / 1024 if ss else 0
    fds = max(s[4] for s in ss) if ss else 0
    return "%5d %9d %9.0f %9.2f %9.2f %8.1f %7d %9.1f %9.1f %5d %5.2f" % (k + 1, r["requests"], r["rps"], r["p50_ms"], r["p99_ms"], r["max_ms"],
                                                                       r["non2xx"] + r["socket_errors"], rss, anon, fds, r["load"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--library", type=Path, help="library folder (built there once, then reused)")
    ap.add_argument("--quick", action="store_true", help="2 slices of 25 s on 40 reports (CI)")
    ap.add_argument("--port", type=int, default=18191)
    ap.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if not shutil.which("wrk"):
        if os.environ.get("YANBAO_REQUIRE_SOAK") == "1":
            sys.exit("error: the soak cannot run: wrk is missing (apt-get install -y wrk; YANBAO_REQUIRE_SOAK=1)")
        print("skip the soak: wrk is missing (apt-get install -y wrk)")
        return 0
    binary = str(Path(args.binary).resolve())
    slice_s = 25 if args.quick else 60
    slices = 2 if args.quick else max(2, round(args.minutes * 60 / slice_s))
    tmp = Path(tempfile.mkdtemp(prefix="yanbao-soak-"))
    data = args.library or (tmp / "data")
    uploads, queries, kind = build_library(binary, data, args.quick)
    token = subprocess.run([binary, "--data", str(data), "token", "create", "soak-%d" % os.getpid()], capture_output=True, text=True, check=True).stdout.split()[-1]
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen([binary, "--data", str(data), "serve", "--addr", "127.0.0.1:%d" % args.port], stdout=log, stderr=log)
    failures = []
    try:
        wait_ready(args.port, server)
        ids = report_ids(args.port)
        (tmp / "ids.txt").write_text("\n".join(ids) + "\n")
        (tmp / "queries.txt").write_text("\n".join(queries) + "\n", encoding="utf-8")
        env = dict(os.environ, IDS=str(tmp / "ids.txt"), QUERIES_FILE=str(tmp / "queries.txt"), TOKEN=token)
        run_wrk(args.port, 3, args.connections, env)  # warm-up: index pages mapped, caches filled
        time.sleep(1)
        rss0, anon0, fd0 = proc_sample(server.pid)
        print("load: %d-slice soak of %d s each, %d connections, %s library (%d report ids, %d queries), %d reports to upload; server pid %d"
              % (slices, slice_s, args.connections, kind, len(ids), len(queries), len(uploads), server.pid))
        sampler, uploader, hostile = Sampler(server.pid), Uploader(args.port, token, uploads, 2.0 if args.quick else 3.0), Hostile(args.port, 20.0 if args.quick else 30.0)
        for t in (sampler, uploader, hostile):
            t.start()
        rows = []
        print(HEADER, flush=True)
        for k in range(slices):
            sampler.slice = k
            r = run_wrk(args.port, slice_s, args.connections, env)
            r["load"] = os.getloadavg()[0]
            rows.append(r)
            print(row(k, r, sampler.samples), flush=True)
        uploader.stop.set()
        uploader.join(70)
        hostile.finish()
        sampler.stop.set()
        sampler.join(3)
        time.sleep(1)
        rss1, anon1, fd1 = proc_sample(server.pid)
    finally:
        server.terminate()
        try:
            code = server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            code = "killed after 30 s"
        log.close()
    if code not in (0, -15):
        failures.append("the server did not stop cleanly on SIGTERM (%s)" % code)

    total = sum(r["requests"] for r in rows)
    rss_all = [s[2] for s in sampler.samples]
    half = [s for s in sampler.samples if s[1] >= slices // 2]
    rss_mid = half[0][2] if half else rss0
    rss_max2 = max(s[2] for s in half) if half else rss1
    anon_mid = half[0][3] if half else anon0
    anon_max2 = max(s[3] for s in half) if half else anon1
    anon_first = statistics.median(s[3] for s in half[:SETTLE]) if half else anon0
    anon_last = statistics.median(s[3] for s in half[-SETTLE:]) if half else anon1
    print("\nrequests %d (%.0f/s); p99 first %.2f ms, last %.2f ms; RSS start %.1f MB, max %.1f MB, end %.1f MB (anon %.1f -> %.1f MB); "
          "second half: %.1f MB at its start, %.1f MB max (anon %.1f -> %.1f MB max, settled %.1f -> %.1f MB); fds %d before the load, %d after (max %d during)"
          % (total, total / (slices * slice_s), rows[0]["p99_ms"], rows[-1]["p99_ms"], rss0 / 1024, max(rss_all + [rss0]) / 1024, rss1 / 1024,
             anon0 / 1024, anon1 / 1024, rss_mid / 1024, rss_max2 / 1024, anon_mid / 1024, anon_max2 / 1024, anon_first / 1024, anon_last / 1024, fd0, fd1, max([s[4] for s in sampler.samples] + [fd0])))
    print("uploads: %d answered 200/201, %d failed; upload p50 %.0f ms, max %.0f ms"
          % (uploader.done, len(uploader.failures), 1000 * statistics.median(uploader.latencies or [0]), 1000 * max(uploader.latencies or [0])))
    print("hostile: %d slowloris clients cut after %s s; %d idle connections closed; %d oversized headers refused"
          % (len(hostile.cuts), "/".join("%.0f" % c for c in sorted(set(round(c) for c in hostile.cuts))) or "-", hostile.idle_closed, hostile.headers_refused))

    # The rules.
    for k, r in enumerate(rows):
        if r["non2xx"] or r["socket_errors"] or r["errors_status"]:
            failures.append("slice %d: %d non-2xx/3xx answers, %d socket errors" % (k + 1, max(r["non2xx"], r["errors_status"]), r["socket_errors"]))
    failures += ["upload " + f for f in uploader.failures]
    if uploader.done == 0:
        failures.append("no upload was answered")
    failures += hostile.failures
    if not hostile.cuts:
        failures.append("no slowloris client ran")
    late = [c for c in hostile.cuts if c > HEADER_TIMEOUT + CUT_SLACK]
    if late:
        failures.append("slowloris clients cut only after %s s" % late)
    floor = 25.0 if args.quick else 2.0
    if rows[-1]["p99_ms"] > 1.5 * rows[0]["p99_ms"] + floor:
        failures.append("p99 drifted: last slice %.2f ms > 1.5 x first %.2f ms + %.0f ms" % (rows[-1]["p99_ms"], rows[0]["p99_ms"], floor))
    allowed = max(RSS_ALLOWANCE[0] * rss_mid, RSS_ALLOWANCE[1])
    if rss_max2 - rss_mid > allowed:
        failures.append("RSS grew by %.1f MB in the second half (allowed %.1f MB)" % ((rss_max2 - rss_mid) / 1024, allowed / 1024))
    anon_allowed = ANON_ALLOWANCE_QUICK if args.quick else ANON_ALLOWANCE
    if anon_last - anon_first > anon_allowed:
        failures.append("anonymous memory grew by %.1f MB in the second half, settled (allowed %.1f MB)" % ((anon_last - anon_first) / 1024, anon_allowed / 1024))
    if fd1 > fd0 + FD_ALLOWANCE:
        failures.append("open descriptors grew from %d to %d" % (fd0, fd1))
    if failures:
        print("\nFAIL (server log: %s):\n  %s" % (tmp / "server.log", "\n  ".join(failures)))
        return 1
    print("\nPASS")
    if not args.library:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
