"""Renders the checkpoint benchmark's figures as bench/checkpoint/RESULTS.md."""
import datetime
import os
import platform
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOAL = 10.0  # % throughput cost of checkpointing every 10 s (issue 6)

# Functions of the checkpoint path (and the garbage collector) whose
# cumulative share of a profile the report shows: label, pattern, and
# whether the matches add up (distinct operators) or nest (take the most).
PROFILE_FUNCS = [
    ("synchronous snapshot in the task (`(*task).checkpoint`)", r"^github.com/spry-engine/spry/runtime\.\(\*task\)\.checkpoint$", max),
    ("of which operators' `SnapshotState` (serialising keyed state)", r"\.SnapshotState$", sum),
    ("asynchronous upload (`(*coordinator).upload`)", r"^github.com/spry-engine/spry/runtime\.\(\*coordinator\)\.upload$", max),
    ("of which MD5 of the written bytes (gocloud.dev/blob)", r"^crypto/md5\.", max),
    ("of which file writes (`os.(*File).Write`)", r"^os\.\(\*File\)\.Write$", max),
    ("garbage collector (background marking)", r"^runtime\.gcBgMarkWorker$", max),
    ("allocation (`mallocgc`)", r"^runtime\.mallocgc$", max),
]


def commit():
    """The checked-out commit, read from .git without running git."""
    git = os.path.join(ROOT, ".git")
    try:
        head = open(os.path.join(git, "HEAD")).read().strip()
        if not head.startswith("ref: "):
            return head[:7]
        ref = head[5:]
        path = os.path.join(git, ref)
        if os.path.exists(path):
            return open(path).read().strip()[:7] + " (" + ref.split("/")[-1] + ")"
        for line in open(os.path.join(git, "packed-refs")):
            if line.rstrip().endswith(" " + ref):
                return line.split()[0][:7] + " (" + ref.split("/")[-1] + ")"
    except OSError:
        pass
    return "unknown"


def first_line(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loadavg():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def environment(args):
    free = first_line(["free", "-g"])
    try:
        lines = subprocess.run(["free", "-g"], capture_output=True, text=True, timeout=10).stdout.splitlines()
        free = " ".join(lines[1].split()[:4]) if len(lines) > 1 else free
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": first_line(["nproc"]),
        "free": free,
        "cpu": cpu_model(),
        "kernel": platform.platform(),
        "go": first_line(["go", "version"]),
        "commit": commit(),
        "load_start": loadavg(),
    }


def median(vs):
    vs = sorted(v for v in vs if v is not None)
    if not vs:
        return None
    h = len(vs) // 2
    return vs[h] if len(vs) % 2 else (vs[h - 1] + vs[h]) / 2


def f(v, fmt="%.2f"):
    return "–" if v is None else fmt % v


def ms(v):
    return "–" if v is None else "%.0f ms" % (v * 1000)


def size(b):
    if b is None:
        return "–"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if b < 1024 or unit == "GiB":
            return ("%d %s" if unit == "B" else "%.1f %s") % (b, unit)
        b /= 1024.0


def grouped(runs, q, mode):
    return [r for r in runs if r["query"] == q and r["mode"] == mode and r["ok"]]


def cost(runs, q):
    """(median events/s without, with, cost %) over the successful runs."""
    off = median([r["events"] / r["wall"] for r in grouped(runs, q, "off")])
    on = median([r["events"] / r["wall"] for r in grouped(runs, q, "on")])
    if not off or not on:
        return off, on, None
    return off, on, (1 - on / off) * 100


def cpu_cost(runs, q):
    """(median CPU s without, with, cost %): the extra CPU time the
    checkpoints take for the same events, steadier than wall time on a
    shared machine (it misses the time tasks wait on alignment)."""
    off = median([r["cpu"] for r in grouped(runs, q, "off")])
    on = median([r["cpu"] for r in grouped(runs, q, "on")])
    if not off or not on:
        return off, on, None
    return off, on, (1 - off / on) * 100


def pair_costs(runs, q):
    """The cost of each round (its two runs side by side)."""
    out = []
    rounds = sorted({r["round"] for r in runs if r["query"] == q})
    for rnd in rounds:
        pair = {r["mode"]: r for r in runs if r["query"] == q and r["round"] == rnd and r["ok"]}
        if "on" in pair and "off" in pair:
            out.append((1 - pair["off"]["wall"] / pair["on"]["wall"]) * 100)
    return out


def render(args, env, queries, events, calib, runs, recov, profiles=None):
    L = []
    w = L.append
    w("# Checkpoint cost: Nexmark with and without checkpoints")
    w("")
    w("Written by `bench/checkpoint/run.sh` — do not edit by hand; rerun it.")
    w("")
    w("- date: %s" % env["date"])
    w("- machine: %s, %s cores (`nproc`), memory (`free -g`: total used free) %s; %s; %s"
      % (env["cpu"], env["nproc"], env["free"], env["kernel"], env["go"]))
    w("- load average (1, 5, 15 min) at the start: %s; at the end: %s (the machine is shared: "
      "compare within a run)" % (env["load_start"], env.get("load_end", "?")))
    w("- commit: %s" % env["commit"])
    w("- command: `%s`" % args.command)
    w("- setup: in-process `nexmark` generator (first-event.rate %d events/s of event time), blackhole sink, "
      "streaming mode, parallelism %d, hashmap state backend, local checkpoint directory; "
      "with checkpoints: `-D execution.checkpointing.interval=%s -D state.checkpoints.dir=<tmp>` "
      "(EXACTLY_ONCE, aligned barriers)" % (args.tps, args.parallelism, args.interval))
    if calib:
        w("- events per run: calibrated from one run of %d events without checkpoints (%s), for runs of "
          "about %d s" % (args.calibrate, ", ".join("%s %.0f events/s" % (q, calib[q]) for q in queries if q in calib),
                          args.seconds))
    w("- raw output: %s (stdout and stderr of every run)" % args.work)
    w("")
    w("## Throughput, median of %d runs each way (alternating)" % args.runs)
    w("")
    w("*events/s* = events / wall time of the `spry sql` process (start-up included, a few ms); "
      "*cpu s* = its user + system time; *cost* = 1 − events/s with ÷ events/s without (medians); "
      "*per round* = the same for each pair of neighbouring runs; *CPU cost* = 1 − events per CPU second "
      "with ÷ without (medians): the work checkpointing adds, which the machine's load disturbs less "
      "than the wall time, though it leaves out time spent waiting (barrier alignment).")
    w("")
    w("| query | events | checkpoints | wall s | cpu s | peak RSS | events/s | events/cpu-s | cost | per round | CPU cost |")
    w("|---|---|---|---|---|---|---|---|---|---|---|")
    for q in queries:
        off, on, c = cost(runs, q)
        _, _, cc = cpu_cost(runs, q)
        pcs = ", ".join("%+.1f %%" % p for p in pair_costs(runs, q))
        for mode, eps in (("off", off), ("on", on)):
            g = grouped(runs, q, mode)
            failed = [r for r in runs if r["query"] == q and r["mode"] == mode and not r["ok"]]
            label = "none" if mode == "off" else "every " + args.interval
            if failed:
                label += " (%d failed: %s)" % (len(failed), failed[0]["error"].replace("|", "/"))
            cpu = median([r["cpu"] for r in g])
            w("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                q, events[q], label, f(median([r["wall"] for r in g])), f(cpu),
                size(1024 * median([r["rss"] for r in g])) if g else "–", f(eps, "%.0f"),
                f(events[q] / cpu if cpu else None, "%.0f"),
                ("**%.1f %%**" % c if c is not None else "–") if mode == "on" else "",
                pcs if mode == "on" else "",
                ("%.1f %%" % cc if cc is not None else "–") if mode == "on" else ""))
    w("")
    w("## Checkpoints of the checkpointed runs")
    w("")
    src = ("the job log (`spry sql --log-file`: Flink's `Completed checkpoint N for job ... (B bytes, "
           "checkpointDuration=X ms, alignment=Y ms)` lines)"
           if any(r.get("source") == "log" for r in runs) else
           "the job's REST API (GET /jobs/<id>/checkpoints, polled every second)")
    w("From %s: *duration* = trigger to completion, *alignment* = the longest barrier alignment, "
      "*size* = bytes written; p50 and max over all checkpoints of the %d runs." % (src, args.runs))
    w("")
    w("| query | completed per run | failed | duration p50 | duration max | alignment p50 | alignment max | size p50 | size max |")
    w("|---|---|---|---|---|---|---|---|---|")
    for q in queries:
        g = [r for r in runs if r["query"] == q and r["mode"] == "on"]
        d = [x for r in g for x in r.get("durations", [])]
        a = [x for r in g for x in r.get("alignments", [])]
        s = [x for r in g for x in r.get("sizes", [])]
        fails = sum(r.get("failed", 0) for r in g)
        w("| %s | %s | %d%s | %s | %s | %s | %s | %s | %s |" % (
            q, ", ".join(str(r.get("completed", 0)) for r in g), fails,
            " (%s)" % g[0]["failures"][0].replace("|", "/")[:120] if fails and g[0].get("failures") else "",
            ms(median(d)), ms(max(d) if d else None), ms(median(a)), ms(max(a) if a else None),
            size(median(s)), size(max(s) if s else None)))
    unseen = sum(r.get("unseen", 0) for r in runs)
    if unseen:
        w("")
        w("%d checkpoint(s) completed after the last poll of their run: counted (from the checkpoint "
          "directory) but without duration, alignment or size." % unseen)
    if recov:
        render_recovery(w, args, queries, recov)
    if profiles:
        render_profiles(w, args, queries, profiles)
    w("")
    w("## Against the goal (issue 6)")
    w("")
    w("| goal | measured | met |")
    w("|---|---|---|")
    for q in queries:
        _, _, c = cost(runs, q)
        _, _, cc = cpu_cost(runs, q)
        w("| %s: throughput cost of checkpoints every %s ≤ %.0f %% | %s (CPU: %s) | %s |" % (
            q, args.interval, GOAL, "–" if c is None else "%.1f %%" % c, "–" if cc is None else "%.1f %%" % cc,
            "–" if c is None else ("yes" if c <= GOAL else "**no**")))
    w("")
    return "\n".join(L)


def render_recovery(w, args, queries, recov):
    w("")
    w("## Recovery")
    w("")
    w("The same query started again with `-D execution.savepoint.path=<chk-n>` (the latest checkpoint of the "
      "last checkpointed run that completed at least 5 s before that run ended, so the restored job still "
      "has input left; else the one before it), against a cold start of the same job. The log's restore "
      "line comes before the operators load their state, so the benchmark triggers a savepoint (REST POST /jobs/<id>/savepoints) as soon as the job is registered: "
      "its barrier passes an operator only after the operator has restored its state, so *savepoint "
      "complete* (from process start) bounds the time to a restored, running job from above; it includes "
      "writing that state once more (*savepoint duration*). Median of %d runs each." % args.runs)
    w("")
    w("| query | start | restored checkpoint | job registered | savepoint complete | savepoint duration | savepoint size | recovery − cold start |")
    w("|---|---|---|---|---|---|---|---|")
    for q in queries:
        rs = [r for r in recov if r["query"] == q]
        cold = median([r.get("t_savepoint") for r in rs if r.get("kind") == "cold" and not r.get("error")])
        for kind in ("cold", "restored"):
            g = [r for r in rs if r.get("kind") == kind]
            ok = [r for r in g if not r.get("error")]
            errs = [r["error"] for r in g if r.get("error")]
            t_sp = median([r.get("t_savepoint") for r in ok])
            src = "–"
            if kind == "restored" and g:
                src = "chk-%s (%s)" % (g[0].get("from_id"), size(g[0].get("from_size")))
            delta = ""
            if kind == "restored" and t_sp is not None and cold is not None:
                delta = "%.2f s" % (t_sp - cold)
            note = " (%d failed: %s)" % (len(errs), errs[0].replace("|", "/")[:140]) if errs else ""
            w("| %s | %s%s | %s | %s s | %s s | %s | %s | %s |" % (
                q, kind, note, src, f(median([r.get("t_job") for r in ok])), f(t_sp),
                ms(median([r.get("sp_duration") for r in ok])), size(median([r.get("sp_size") for r in ok])), delta))


def render_profiles(w, args, queries, profiles):
    w("")
    w("## Where the checkpointed run spends its time")
    w("")
    w("One more run each way under `spry sql --cpuprofile` (same events); cumulative share of the CPU "
      "samples (`go tool pprof -top -cum`; the profiles and their full listings `*.top` stay in the raw "
      "output directory).")
    w("")
    w("| query | function | without checkpoints | with checkpoints |")
    w("|---|---|---|---|")
    for q in queries:
        p = profiles.get(q) or {}
        off, on = p.get("off") or {}, p.get("on") or {}
        for m in (off, on):
            if "error" in m:
                w("| %s | (profile run failed: %s) | | |" % (q, m["error"].replace("|", "/")))
        w("| %s | wall time of the profiled run | %s s | %s s |" % (q, f(off.get("wall")), f(on.get("wall"))))
        for label, _, _ in PROFILE_FUNCS:
            w("| %s | %s | %s | %s |" % (q, label, f(off.get(label), "%.1f %%"), f(on.get(label), "%.1f %%")))


def summary(args, queries, runs, recov):
    """A few lines for the terminal."""
    out = []
    for q in queries:
        off, on, c = cost(runs, q)
        _, _, cc = cpu_cost(runs, q)
        out.append("%s: %s events/s without, %s with checkpoints every %s: cost %s (CPU %s)" % (
            q, f(off, "%.0f"), f(on, "%.0f"), args.interval, "–" if c is None else "%.1f %%" % c,
            "–" if cc is None else "%.1f %%" % cc))
    return "\n".join(out) + "\n"
