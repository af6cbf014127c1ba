"""The engine's REST API (`spry sql --rest-port 0`) as the benchmark reads
it: the job's id, its checkpoint statistics (Flink's CheckpointingStatistics
shape), savepoint triggers; and the checkpoint directories left on disk."""
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request

ADDR_RE = re.compile(r"REST API listening on (http://[0-9.:]+)")


def request(url, body=None, timeout=5.0):
    """GET (or POST body as JSON); returns (status, parsed JSON or None)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"null")
        except ValueError:
            return e.code, None
    except (OSError, ValueError):
        return None, None


class Poller(threading.Thread):
    """Finds the REST address in the process's error output and the job's
    id, then (interval > 0, stats) fetches the checkpoint statistics every
    interval seconds, keeping the last answer: the final checkpoints of a
    bounded job may complete after the last fetch (retained_checkpoints
    sees those)."""

    def __init__(self, proc, err_path, interval, stats=True):
        super().__init__(daemon=True)
        self.proc, self.err_path = proc, err_path
        self.interval = interval
        self.stats = stats and interval >= 0.5
        self.t0 = time.monotonic()
        self.addr = self.job = None
        self.t_job = None  # seconds from start to the job being registered
        self.found = threading.Event()
        self.last_stats = None

    def alive(self):
        # not proc.poll(): that would reap the child, whose resource usage
        # the caller collects with wait4
        try:
            stat = open("/proc/%d/stat" % self.proc.pid).read()
        except OSError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")

    def run(self):
        if self.interval <= 0:
            return
        while self.alive() and self.addr is None:
            try:
                m = ADDR_RE.search(open(self.err_path, errors="replace").read())
            except OSError:
                m = None
            if m:
                self.addr = m.group(1)
            else:
                time.sleep(0.005)
        while self.alive() and self.job is None:
            _, body = request(self.addr + "/jobs", timeout=2)
            jobs = (body or {}).get("jobs") or []
            if jobs:
                self.job, self.t_job = jobs[0]["id"], time.monotonic() - self.t0
                self.found.set()
            else:
                time.sleep(min(self.interval, 0.01))
        self.found.set()
        while self.stats and self.alive():
            time.sleep(self.interval)
            code, body = request("%s/jobs/%s/checkpoints" % (self.addr, self.job), timeout=5)
            if code == 200 and body:
                self.last_stats = body

    def savepoint(self, target, timeout):
        """Triggers a savepoint as soon as the job is registered (retrying
        while the job is not yet running) and returns t_job, t_savepoint
        (seconds from process start to the savepoint's completion) and the
        savepoint's statistics; "error" when it did not complete."""
        deadline = self.t0 + timeout
        self.found.wait(timeout)
        if self.job is None:
            return {"error": "the job never showed in the REST API"}
        last = None
        while self.alive() and time.monotonic() < deadline:
            code, body = request("%s/jobs/%s/savepoints" % (self.addr, self.job),
                                 {"target-directory": target, "cancel-job": False}, timeout=timeout)
            if code == 200:
                t_sp = time.monotonic() - self.t0
                out = {"t_job": self.t_job, "t_savepoint": t_sp,
                       "location": ((body or {}).get("operation") or {}).get("location")}
                _, st = request("%s/jobs/%s/checkpoints" % (self.addr, self.job), timeout=5)
                sp = ((st or {}).get("latest") or {}).get("savepoint") or {}
                out["sp_duration"] = ms(sp.get("end_to_end_duration"))
                out["sp_size"] = sp.get("state_size")
                return out
            last = (body or {}).get("errors") or code
            time.sleep(0.01)
        return {"t_job": self.t_job, "error": "savepoint not completed: %s" % (last,)}


def ms(v):
    return None if v is None else v / 1000.0


def retained_checkpoints(chk_dir):
    """[(id, path)] of the complete checkpoints (with _metadata) under
    chk_dir/<job-id>/, newest first."""
    out = []
    if not os.path.isdir(chk_dir):
        return out
    for job in os.listdir(chk_dir):
        d = os.path.join(chk_dir, job)
        if not os.path.isdir(d):
            continue
        for c in os.listdir(d):
            m = re.fullmatch(r"chk-(\d+)", c)
            if m and os.path.exists(os.path.join(d, c, "_metadata")):
                out.append((int(m.group(1)), os.path.join(d, c)))
    return sorted(out, reverse=True)


def dir_size(path):
    total = 0
    for base, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(base, f))
            except OSError:
                pass
    return total


def checkpoint_figures(stats, chk_dir):
    """The completed checkpoints of a run: count, and per checkpoint
    duration, alignment (s) and size (bytes); acks maps id to completion
    (ms since the epoch)."""
    hist = [h for h in ((stats or {}).get("history") or []) if not h.get("is_savepoint")]
    done = [h for h in hist if h.get("status") == "COMPLETED"]
    failed = [h for h in hist if h.get("status") == "FAILED"]
    ids = [h["id"] for h in done]
    retained = retained_checkpoints(chk_dir)
    # checkpoints completed after the last fetch: ids are consecutive when
    # none failed, so the newest on disk tells how many were missed
    unseen = 0
    if retained and retained[0][0] > max(ids + [h["id"] for h in failed] + [0]):
        unseen = retained[0][0] - max(ids + [h["id"] for h in failed] + [0])
    return {
        "completed": len(done) + unseen,
        "unseen": unseen,
        "failed": len(failed),
        "failures": [h.get("failure_message", "") for h in failed][:3],
        "durations": [ms(h.get("end_to_end_duration")) for h in done],
        "alignments": [ms(h.get("alignment_duration")) for h in done],
        "sizes": [h.get("state_size") or 0 for h in done],
        "acks": {h["id"]: h.get("latest_ack_timestamp") for h in done},
    }
