#!/usr/bin/env python3
"""Writes the PV/UV example's input: user behaviour events as JSON lines.

Usage: python3 examples/pvuv_gen.py [path] [events]
(default /tmp/spry-pvuv/user_behavior.json, 50000 events). Event times
start at 2017-11-26T01:00:00Z, advance over about five hours and are out
of order by up to one second, as in the seed's PV/UV case. Seeded, so every
run writes the same file. Then: bin/spry sql -f examples/pvuv.sql
"""
import datetime
import json
import os
import random
import sys


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/spry-pvuv/user_behavior.json"
    events = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rng = random.Random(20171126)
    start = datetime.datetime(2017, 11, 26, 1, 0, 0, tzinfo=datetime.timezone.utc)
    behaviors = ["pv", "pv", "pv", "pv", "cart", "fav", "buy"]
    max_ts = start
    with open(path, "w") as f:
        for i in range(events):
            ts = start + datetime.timedelta(seconds=int(i * 0.36))
            if rng.randrange(4) == 0 and ts - datetime.timedelta(seconds=1) > start:
                ts -= datetime.timedelta(seconds=1)  # out of order, within 1 s
            ts = max(ts, max_ts - datetime.timedelta(seconds=1))
            max_ts = max(max_ts, ts)
            item = rng.randrange(100000) + 1
            f.write(json.dumps({
                "user_id": rng.randrange(3000) + 1,
                "item_id": item,
                "category_id": item % 97,
                "behavior": rng.choice(behaviors),
                "ts": ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }) + "\n")
    print(f"wrote {events} events to {path}")


if __name__ == "__main__":
    main()
