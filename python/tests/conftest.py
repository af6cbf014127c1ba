"""Fixtures of the spry Python API tests: table environments on the engine binary.

The binary is found as spry._gateway finds it (SPRY_BINARY, SPRY_HOME/bin/spry,
the checkout's bin/spry, PATH); `make pytest` builds it first. Each
environment is one engine session (a `spry gateway --stdio` child).
"""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "src"))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
if SRC not in sys.path:
    sys.path.insert(0, SRC)


def _binary():
    from spry._gateway import find_binary
    try:
        return find_binary()
    except Exception:
        return None


@pytest.fixture(scope="session")
def spry_binary():
    b = _binary()
    if b is None:
        pytest.skip("the spry binary is not built (make build)")
    return b


def _env(mode):
    from spry.table import EnvironmentSettings, TableEnvironment
    settings = EnvironmentSettings.in_batch_mode() if mode == "batch" else EnvironmentSettings.in_streaming_mode()
    t_env = TableEnvironment.create(settings)
    t_env.get_config().set("parallelism.default", "1")
    return t_env


@pytest.fixture
def batch_env(spry_binary):
    t_env = _env("batch")
    yield t_env
    t_env.close()


@pytest.fixture
def stream_env(spry_binary):
    t_env = _env("streaming")
    yield t_env
    t_env.close()


@pytest.fixture
def repo():
    return REPO
