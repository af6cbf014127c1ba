"""The seed's cases as scripts in examples/ run, with plain python and under `spry run`."""
import collections
import datetime
import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, SRC


def run_script(script, args, binary, via_spry_run):
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["SPRY_BINARY"] = binary
    env.pop("SPRY_GATEWAY", None)
    if via_spry_run:
        env["SPRY_PYTHON"] = sys.executable
        cmd = [binary, "run", script] + args
    else:
        cmd = [sys.executable, script] + args
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=REPO)
    assert p.returncode == 0, p.stdout + p.stderr
    return p


def read_output(path):
    if os.path.isfile(path):
        return open(path).read().splitlines()
    lines = []
    for root, _, files in os.walk(path):
        for f in sorted(files):
            if not f.startswith("."):
                lines += open(os.path.join(root, f)).read().splitlines()
    return lines


@pytest.fixture(params=["python", "spry run"])
def runner(request, spry_binary):
    via = request.param == "spry run"
    if via:
        helptext = subprocess.run([spry_binary, "run", "--help"], capture_output=True, text=True)
        if "Usage: spry run" not in helptext.stdout + helptext.stderr:
            pytest.skip("this spry binary has no `run` command")
    return lambda script, args: run_script(os.path.join(REPO, "examples", script), args, spry_binary, via)


def test_word_count_19_style(runner, tmp_path):
    out = tmp_path / "wc"
    runner("word_count.py", [os.path.join(REPO, "examples", "data", "words.csv"), str(out)])
    assert sorted(read_output(str(out))) == ["Apache Flink\t2", "cool\t1", "enjoyment\t1"]


def test_notebook_batch_job(runner, tmp_path):
    out = tmp_path / "batch.csv"
    runner("notebook_batch.py", [str(out)])
    assert sorted(read_output(str(out))) == ["2,hi,hello", "3,hi,hello"]


def test_pvuv_tumble_over_1_hours(runner, tmp_path):
    data = tmp_path / "user_behavior.json"
    subprocess.run([sys.executable, os.path.join(REPO, "examples", "pvuv_gen.py"), str(data), "20000"],
                   check=True, capture_output=True)
    out = tmp_path / "pvuv"
    runner("pvuv.py", [str(data), str(out)])
    # An independent computation of the hourly PV and UV over the same file.
    pv, uv = collections.Counter(), collections.defaultdict(set)
    for line in open(data):
        ev = json.loads(line)
        ts = datetime.datetime.strptime(ev["ts"], "%Y-%m-%dT%H:%M:%SZ")
        hour = ts.replace(minute=0, second=0)
        pv[hour] += 1
        uv[hour].add(ev["user_id"])
    fmt = "%Y-%m-%d %H:%M:%S"
    expected = sorted("%s,%s,%d,%d" % (h.strftime(fmt), (h + datetime.timedelta(hours=1)).strftime(fmt),
                                       pv[h], len(uv[h])) for h in pv)
    got = sorted(read_output(str(out)))
    assert len(expected) >= 2
    assert [g.replace(".000", "") for g in got] == expected


def test_word_count_with_udfs(runner, spry_binary):
    import pytest as _pytest
    try:
        p = runner("word_count_udf.py", [])
    except AssertionError as e:
        if "without Python UDF support" in str(e):
            _pytest.skip("engine built without Python UDF support")
        raise
    assert p.stdout == (
        "+--------+-----+\n"
        "|   word | cnt |\n"
        "+--------+-----+\n"
        "|   cool |   2 |\n"
        "|  flink |   2 |\n"
        "| apache |   1 |\n"
        "|     is |   1 |\n"
        "|   runs |   1 |\n"
        "|   spry |   1 |\n"
        "|    sql |   1 |\n"
        "+--------+-----+\n"
        "7 rows in set\n")
