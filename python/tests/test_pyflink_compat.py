"""`pyflink` imports resolve to spry once spry.pyflink_compat is installed (as `spry run` does)."""
import subprocess
import sys

from conftest import SRC


def run(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"})


def test_pyflink_modules_are_spry_modules():
    p = run("import spry.pyflink_compat as c; c.install()\n"
            "from pyflink.table import TableEnvironment, DataTypes\n"
            "from pyflink.table.expressions import col\n"
            "from pyflink.table.udf import udf\n"
            "from pyflink.table.window import Tumble\n"
            "from pyflink.common import Row\n"
            "import pyflink.table.descriptors as d, spry.table, spry.table.descriptors\n"
            "assert TableEnvironment is spry.table.TableEnvironment\n"
            "assert d is spry.table.descriptors and d.__spec__.name == 'spry.table.descriptors'\n"
            "print('ok')\n")
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr


def test_missing_pyflink_module_raises_import_error():
    p = run("import spry.pyflink_compat as c; c.install()\n"
            "try:\n    import pyflink.java_gateway\nexcept ImportError as e:\n    print('ImportError')\n")
    assert p.stdout.strip() == "ImportError", p.stderr


def test_uninstall():
    p = run("import spry.pyflink_compat as c; c.install(); import pyflink.table; c.uninstall()\n"
            "import sys; assert 'pyflink.table' not in sys.modules and not c.installed()\n"
            "try:\n    import pyflink.table\nexcept ImportError:\n    print('gone')\n")
    assert p.stdout.strip() == "gone", p.stderr
