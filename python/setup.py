"""Build hook: compile the Go engine into the wheel when Go is available.

``pip install ./python`` runs this through setuptools (pyproject.toml holds
the metadata). When the ``go`` toolchain is on PATH and the package sits in
a Spry checkout (``../go.mod``), ``go build -o spry/bin/spry ../cmd/spry``
puts the engine binary inside the package, where ``spry._gateway`` finds
it, and the wheel is tagged for this platform. Without Go the package is
built without the binary and finds ``spry`` via ``$SPRY_HOME`` or ``PATH``.
Set ``SPRY_SKIP_GO_BUILD=1`` to skip the Go build.
"""

import os
import shutil
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    try:
        from wheel.bdist_wheel import bdist_wheel
    except ImportError:
        bdist_wheel = None

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _can_build_go():
    return (
        not os.environ.get("SPRY_SKIP_GO_BUILD")
        and shutil.which("go") is not None
        and os.path.isfile(os.path.join(ROOT, "go.mod"))
        and os.path.isdir(os.path.join(ROOT, "cmd", "spry"))
    )


class BuildWithEngine(build_py):
    """build_py that also compiles the engine binary into spry/bin/."""

    def run(self):
        super().run()
        if not _can_build_go():
            sys.stderr.write("spry: Go toolchain or checkout not found; building without the engine binary\n")
            return
        out = os.path.join(os.path.abspath(self.build_lib), "spry", "bin", "spry")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        sys.stderr.write("spry: go build -o %s ./cmd/spry\n" % out)
        subprocess.check_call(["go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/spry"], cwd=ROOT)


cmdclass = {"build_py": BuildWithEngine}

if bdist_wheel is not None:

    class PlatformWheel(bdist_wheel):
        """A wheel holding the engine binary is platform specific."""

        def finalize_options(self):
            super().finalize_options()
            if _can_build_go():
                self.root_is_pure = False

        def get_tag(self):
            python, abi, plat = super().get_tag()
            if _can_build_go():
                # The binary does not depend on the Python version or ABI.
                python, abi = "py3", "none"
            return python, abi, plat

    cmdclass["bdist_wheel"] = PlatformWheel

setup(cmdclass=cmdclass)
