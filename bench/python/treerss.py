"""Prints the peak summed RSS (KiB) of a process and all its descendants.

Usage: treerss.py PID. Polls /proc every 50 ms until PID exits. Needed
because /usr/bin/time only sees children that were waited for: PyFlink's
JVM (started by the Python client, not reaped before it exits) is missing
from its figure. Shared pages count once per process, so this is an upper
bound.
"""
import os
import sys
import time


def children():
    """Maps each pid to its child pids, from /proc/*/stat."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    root = int(sys.argv[1])
    peak = 0
    while os.path.exists("/proc/%d" % root):
        kids = children()
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            total += rss_kib(pid)
            todo.extend(kids.get(pid, ()))
        peak = max(peak, total)
        time.sleep(0.05)
    print(peak)


if __name__ == "__main__":
    main()
