"""Makes ``import pyflink...`` load Spry's modules, so PyFlink jobs run unchanged.

``spry run job.py`` installs this hook before the job starts; in a plain
Python process call :func:`install` first::

    import spry.pyflink_compat
    spry.pyflink_compat.install()
    from pyflink.table import TableEnvironment   # spry.table.TableEnvironment

``pyflink.x.y`` resolves to ``spry.x.y`` (the same module object, so
classes compare equal whichever name imported them); a PyFlink module
Spry does not have raises ImportError naming it.
"""

import importlib
import importlib.util
import sys

__all__ = ["install", "uninstall", "installed"]

_PREFIX = "pyflink"


class _PyFlinkAlias(object):
    """A finder and loader that aliases pyflink[.x] to spry[.x].

    It implements the finder and loader protocols without deriving from
    ``importlib.abc``: that module imports ``importlib.resources`` (with
    pathlib, tempfile, urllib), which cost every ``spry run`` job tens of
    milliseconds of start-up.
    """

    def find_spec(self, fullname, path=None, target=None):
        """As PyFlink's ``find_spec``."""
        if fullname != _PREFIX and not fullname.startswith(_PREFIX + "."):
            return None
        target_name = "spry" + fullname[len(_PREFIX):]
        try:
            if importlib.util.find_spec(target_name) is None:
                return None
        except ImportError:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=True)

    def create_module(self, spec):
        """Creates a module."""
        module = importlib.import_module("spry" + spec.name[len(_PREFIX):])
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module):
        # The import system set our alias spec on spry's module; put spry's back.
        """As PyFlink's ``exec_module``."""
        spec = module.__spec__
        if spec is not None and spec.loader_state is not None:
            module.__spec__ = spec.loader_state


_finder = _PyFlinkAlias()


def install():
    """Resolves ``pyflink`` imports to ``spry`` from now on (idempotent)."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def uninstall():
    """Removes the hook and forgets the aliased modules already imported."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in list(sys.modules):
        if name == _PREFIX or name.startswith(_PREFIX + "."):
            mod = sys.modules[name]
            if getattr(mod, "__name__", "").startswith("spry"):
                del sys.modules[name]


def installed():
    """Whether the hook is installed."""
    return _finder in sys.meta_path
