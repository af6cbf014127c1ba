"""A script that ends right after submitting an INSERT still gets its results written."""
import os
import subprocess
import sys

from conftest import SRC

SCRIPT = """
from spry.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.execute_sql("CREATE TABLE out_t (a BIGINT, b STRING) WITH ("
                  "'connector' = 'filesystem', 'path' = OUT, 'format' = 'csv')")
t_env.from_elements([(i, 'x' + str(i)) for i in range(1000)], ['a', 'b']).execute_insert('out_t')
# no wait(): the package waits for unfinished INSERT jobs at exit
"""


def test_exit_waits_for_insert_jobs(spry_binary, tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=SRC, SPRY_BINARY=spry_binary)
    env.pop("SPRY_GATEWAY", None)
    script = SCRIPT.replace("OUT", repr(str(out)))
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    lines = []
    for root, _, files in os.walk(out):
        for f in files:
            if not f.startswith("."):
                lines += open(os.path.join(root, f)).read().splitlines()
    assert len(lines) == 1000


def test_close_ends_the_session(stream_env):
    stream_env.close()
    import pytest
    with pytest.raises(Exception):
        stream_env.execute_sql("SELECT 1")
