"""Checkpoint cost benchmark: the driver behind bench/checkpoint/run.sh.

For each query it alternates runs of `spry sql` without checkpoints and with
`execution.checkpointing.interval` (same SQL, same events), reads the
checkpoint statistics from the job's REST API (`--rest-port`, GET
/jobs/<id>/checkpoints: `spry sql` prints no job log), then measures
recovery: the same query started from the last checkpoint of a checkpointed
run (`execution.savepoint.path`) against a cold start. Writes RESULTS.md.

Usage: bench.py --bin SPRY --work DIR --out RESULTS.md [options]; see
run.sh, which builds the engine and passes its flags on. Every run's
figures go to DIR/results.json; `bench.py --rerender DIR/results.json --out
FILE` writes the report again from them.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import report
import rest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NEXMARK = os.path.join(ROOT, "bench", "nexmark")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# Jobs started and not yet waited for: killed when the benchmark is
# interrupted (each runs in its own session, out of reach of the
# terminal's Ctrl-C).
ACTIVE = set()
WORK = []  # the work directory, once known: its checkpoints go at the end


class Job:
    """One `spry sql` process with its REST API polled in the background."""

    def __init__(self, args, name, sql, defines, poll, extra=()):
        self.name = name
        self.dir = os.path.join(args.work, "runs", name)
        os.makedirs(self.dir, exist_ok=True)
        cmd = [args.bin, "sql", "-p", str(args.parallelism), "--rest-port", "0", "-f", sql]
        for d in list(args.define) + list(defines):
            cmd += ["-D", d]
        self.log_path = os.path.join(self.dir, "job.log")
        if has_log_file(args.bin):
            cmd += ["--log-file", self.log_path]
        cmd += list(extra)
        self.cmd = cmd
        self.out = open(os.path.join(self.dir, "stdout"), "w")
        self.err_path = os.path.join(self.dir, "stderr")
        self.err = open(self.err_path, "w")
        self.t0 = time.monotonic()
        self.wall0 = time.time()
        # own session: a kill reaches the engine and nothing else
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err, start_new_session=True)
        ACTIVE.add(self)
        self.poller = rest.Poller(self.proc, self.err_path, poll)
        self.poller.start()

    def wait(self, timeout):
        """Waits for the process (killing it after timeout seconds) and
        returns (exit code, wall s, cpu s, peak RSS KiB)."""
        deadline = self.t0 + timeout
        while True:
            pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                self.kill()
                pid, status, ru = os.wait4(self.proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.monotonic() - self.t0
        ACTIVE.discard(self)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.end = time.time()
        self.poller.join()
        self.out.close()
        self.err.close()
        return self.proc.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def error(self):
        """The first meaningful line of the run's error output."""
        for line in open(self.err_path, errors="replace"):
            line = line.strip()
            if line and not line.startswith("REST API listening"):
                return line[:160]
        return "exit %s" % self.proc.returncode


_log_flag = {}


def has_log_file(bin_path):
    """Whether this engine's `spry sql` takes --log-file (job logs: the
    `Completed checkpoint` lines)."""
    if bin_path not in _log_flag:
        try:
            h = subprocess.run([bin_path, "sql", "--help"], capture_output=True, text=True, timeout=30)
            _log_flag[bin_path] = "--log-file" in h.stdout + h.stderr
        except (OSError, subprocess.SubprocessError):
            _log_flag[bin_path] = False
    return _log_flag[bin_path]


COMPLETED_RE = re.compile(r'time=(\S+) .*Completed checkpoint (\d+) for job .*\((\d+) bytes, '
                          r'checkpointDuration=(\d+) ms, alignment=(\d+) ms\)')


def log_figures(path):
    """The checkpoints of a run from its job log (Flink's `Completed
    checkpoint N for job ... (B bytes, checkpointDuration=X ms,
    alignment=Y ms)` lines), in checkpoint_figures' shape; None without
    a log."""
    import datetime
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        return None
    done = []
    for line in lines:
        m = COMPLETED_RE.search(line)
        if m:
            t = datetime.datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp() * 1000
            done.append((int(m.group(2)), int(m.group(3)), int(m.group(4)) / 1000.0, int(m.group(5)) / 1000.0, t))
    return {"completed": len(done), "unseen": 0, "durations": [d[2] for d in done],
            "alignments": [d[3] for d in done], "sizes": [d[1] for d in done],
            "acks": {d[0]: d[4] for d in done}, "source": "log"}


def write_sql(args, q, events):
    """Fills in nexmark's DDL and the query for `events` events."""
    path = os.path.join(args.work, "%s-%d.sql" % (q, events))
    text = ""
    for f in (os.path.join(NEXMARK, "ddl.sql"), os.path.join(NEXMARK, q + ".sql")):
        text += open(f).read() + "\n"
    text = (text.replace("${EVENTS_NUM}", str(events)).replace("${TPS}", str(args.tps))
            .replace("${NEXMARK_DIR}", args.work))
    with open(path, "w") as f:
        f.write(text)
    return path


def checkpoint_defines(args, chk, retained=None):
    d = ["execution.checkpointing.interval=" + args.interval, "state.checkpoints.dir=" + chk]
    if retained:
        d.append("state.checkpoints.num-retained=%d" % retained)
    return d


def throughput_run(args, q, events, sql, mode, rnd, retained=None):
    """One measured run; returns a dict of its figures."""
    name = "%s-%s-%d" % (q, mode, rnd)
    chk = os.path.join(args.work, "chk", name)
    defines = checkpoint_defines(args, chk, retained) if mode == "on" else []
    log("  %s: %s events, checkpoints %s ..." % (name, events, mode))
    job = Job(args, name, sql, defines, poll=1.0)
    rc, wall, cpu, rss = job.wait(args.timeout)
    ok = rc == 0 and "Complete execution" in open(os.path.join(job.dir, "stdout"), errors="replace").read()
    r = {"query": q, "mode": mode, "round": rnd, "events": events, "wall": wall, "cpu": cpu,
         "rss": rss, "ok": ok, "error": "" if ok else job.error(), "chk": chk, "end": job.end,
         "cmd": job.cmd}
    if mode == "on":
        r.update(rest.checkpoint_figures(job.poller.last_stats, chk))
        lf = log_figures(job.log_path)
        if lf and lf["completed"] >= r["completed"]:
            r.update(lf)
    log("    %.1f s wall, %.1f s cpu, %.0f events/s%s%s" % (
        wall, cpu, events / wall, "" if mode == "off" else ", %d checkpoints" % r["completed"],
        "" if ok else ", FAILED: " + r["error"]))
    return r


def calibrate(args, q):
    """Events for a run of about --seconds, from one uncheckpointed run of
    --calibrate events."""
    n = args.calibrate
    sql = write_sql(args, q, n)
    log("%s: calibrating with %d events ..." % (q, n))
    job = Job(args, q + "-calibrate", sql, [], poll=0)
    rc, wall, _, _ = job.wait(args.timeout)
    if rc != 0:
        raise SystemExit("%s calibration failed: %s" % (q, job.error()))
    rate = n / wall
    events = int(rate * args.seconds / 1e6 + 1) * 1000000
    log("  %.0f events/s -> %d events for ~%d s" % (rate, events, args.seconds))
    return events, rate


def recovery_pick(run):
    """The checkpoint to restore: the latest one completed at least
    --margin seconds before the run ended (so that the restored job still
    has work left), else the one before it."""
    cands = rest.retained_checkpoints(run["chk"])  # [(id, path)], newest first
    acks = run.get("acks", {})
    for cid, path in cands:
        t = acks.get(cid)
        if t is not None and run["end"] - t / 1000.0 >= 5:
            return cid, path
    return cands[-1] if cands else (None, None)


def recovery_run(args, q, sql, kind, rnd, restore):
    """Starts q cold or from `restore`, triggers a savepoint as soon as the
    job is registered and returns the times from process start to the job
    being registered and to that savepoint being complete (every operator
    has restored its state and snapshotted it again)."""
    name = "%s-recover-%s-%d" % (q, kind, rnd)
    chk = os.path.join(args.work, "chk", name)
    defines = checkpoint_defines(args, chk)
    if restore:
        defines.append("execution.savepoint.path=" + restore)
    log("  %s ..." % name)
    job = Job(args, name, sql, defines, poll=0.01)
    sp_dir = os.path.join(args.work, "sp", name)
    res = job.poller.savepoint(sp_dir, timeout=args.timeout)
    job.kill()
    job.wait(30)
    shutil.rmtree(chk, ignore_errors=True)
    shutil.rmtree(sp_dir, ignore_errors=True)
    r = {"query": q, "kind": kind, "round": rnd, "cmd": job.cmd}
    r.update(res)
    if res.get("error"):
        r["error"] = res["error"] + " (" + job.error() + ")"
    log("    registered %s s, savepoint complete %s s%s" % (
        fmt(r.get("t_job")), fmt(r.get("t_savepoint")), ", " + r["error"] if r.get("error") else ""))
    return r


def profile(args, q, sql):
    """One more run each way under `--cpuprofile`; returns {mode: {label:
    cum %}} over report.PROFILE_FUNCS (the profiles stay in the work dir)."""
    out = {}
    for mode in ("off", "on"):
        name = "%s-profile-%s" % (q, mode)
        chk = os.path.join(args.work, "chk", name)
        prof = os.path.join(args.work, name + ".prof")
        log("  %s ..." % name)
        job = Job(args, name, sql, checkpoint_defines(args, chk) if mode == "on" else [], poll=0,
                  extra=["--cpuprofile", prof])
        rc, wall, _, _ = job.wait(args.timeout)
        shutil.rmtree(chk, ignore_errors=True)
        if rc != 0:
            out[mode] = {"error": job.error()}
            continue
        top = subprocess.run(["go", "tool", "pprof", "-top", "-cum", "-nodecount=100000", args.bin, prof],
                             capture_output=True, text=True).stdout
        with open(os.path.join(args.work, name + ".top"), "w") as f:
            f.write(top)
        found = {}
        for line in top.splitlines():
            parts = line.split()
            if len(parts) < 6 or not parts[4].endswith("%"):
                continue
            for label, rx, _ in report.PROFILE_FUNCS:
                if re.search(rx, parts[5]):
                    found.setdefault(label, []).append(float(parts[4].rstrip("%")))
        shares = {label: agg(found[label]) for label, _, agg in report.PROFILE_FUNCS if label in found}
        shares["wall"] = wall
        out[mode] = shares
    return out


def fmt(v, digits=2):
    return "-" if v is None else "%.*f" % (digits, v)


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        bench()
    finally:
        for job in list(ACTIVE):
            job.kill()
        for w in WORK:
            shutil.rmtree(os.path.join(w, "chk"), ignore_errors=True)
            shutil.rmtree(os.path.join(w, "sp"), ignore_errors=True)


def bench():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--work")
    ap.add_argument("--out", required=True)
    ap.add_argument("--queries", default="q5,q8")
    ap.add_argument("--events", default="", help="q5=N,q8=N or N for all; default: calibrated")
    ap.add_argument("--seconds", type=int, default=45)
    ap.add_argument("--calibrate", type=int, default=5000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--interval", default="10s")
    ap.add_argument("--parallelism", type=int, default=2)
    ap.add_argument("--tps", type=int, default=10000000)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--no-recovery", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--define", action="append", default=[])
    ap.add_argument("--command", default="bench/checkpoint/run.sh")
    ap.add_argument("--rerender", help="write the report from a run's results.json, measuring nothing")
    args = ap.parse_args()
    if args.rerender:
        d = json.load(open(args.rerender))
        saved = argparse.Namespace(**d["args"])
        saved.out = args.out
        for r in d["runs"]:
            r["acks"] = {int(k): v for k, v in (r.get("acks") or {}).items()}
        write_report(saved, d["env"], d["queries"], d["events"], d["calib"], d["runs"], d["recov"], d["profiles"])
        return
    if not args.bin or not args.work:
        ap.error("--bin and --work are required")
    os.makedirs(args.work, exist_ok=True)
    WORK.append(args.work)
    os.makedirs(os.path.join(args.work, "data"), exist_ok=True)
    with open(os.path.join(args.work, "data", "side_input.txt"), "w") as f:
        f.writelines("%d,%d\n" % (i, i) for i in range(10000))
    queries = [q.strip() for q in args.queries.split(",") if q.strip()]
    fixed = {}
    for part in filter(None, args.events.split(",")):
        k, _, v = part.rpartition("=")
        fixed[k or "*"] = int(float(v))
    env = report.environment(args)
    events, calib = {}, {}
    for q in queries:
        n = fixed.get(q, fixed.get("*"))
        if n is None:
            n, calib[q] = calibrate(args, q)
        events[q] = n
    runs, recov, profiles = [], [], {}
    for q in queries:
        sql = write_sql(args, q, events[q])
        log("%s: %d rounds of %d events, without and with checkpoints every %s" % (
            q, args.runs, events[q], args.interval))
        for rnd in range(1, args.runs + 1):
            # alternate which goes first, so a drift of the machine's load
            # falls on both sides
            order = ("off", "on") if rnd % 2 else ("on", "off")
            for mode in order:
                last = rnd == args.runs and not args.no_recovery
                r = throughput_run(args, q, events[q], sql, mode, rnd, retained=2 if last and mode == "on" else None)
                runs.append(r)
                if mode == "on" and not last:
                    shutil.rmtree(r["chk"], ignore_errors=True)
        if args.profile:
            log("%s: profiles" % q)
            profiles[q] = profile(args, q, sql)
        if args.no_recovery:
            continue
        src = [r for r in runs if r["query"] == q and r["mode"] == "on"][-1]
        cid, path = recovery_pick(src)
        if not path:
            recov.append({"query": q, "kind": "restored", "error": "no retained checkpoint in " + src["chk"]})
            continue
        log("%s: recovery from checkpoint %d (%s)" % (q, cid, path))
        for rnd in range(1, args.runs + 1):
            for kind in (("cold", "restored") if rnd % 2 else ("restored", "cold")):
                r = recovery_run(args, q, sql, kind, rnd, path if kind == "restored" else None)
                r["from_id"], r["from_size"] = cid, rest.dir_size(path)
                recov.append(r)
        shutil.rmtree(src["chk"], ignore_errors=True)
    env["load_end"] = report.loadavg()
    # the raw figures first: a report can be rendered again from them
    # (--rerender) without measuring again
    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump({"args": vars(args), "env": env, "queries": queries, "events": events, "calib": calib,
                   "runs": runs, "recov": recov, "profiles": profiles}, f, indent=1, default=str)
    write_report(args, env, queries, events, calib, runs, recov, profiles)


def write_report(args, env, queries, events, calib, runs, recov, profiles):
    text = report.render(args, env, queries, events, calib, runs, recov, profiles)
    with open(args.out, "w") as f:
        f.write(text)
    log("wrote " + args.out)
    sys.stdout.write(report.summary(args, queries, runs, recov))


if __name__ == "__main__":
    main()
