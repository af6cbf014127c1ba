"""Spry's Python API: PyFlink's Table API on the Spry engine, without a JVM.

Modules mirror PyFlink's (``spry.table``, ``spry.table.expressions``,
``spry.table.window``, ``spry.table.udf``, ``spry.common``), so a PyFlink job
runs after changing ``pyflink`` to ``spry`` in its imports, and under
``spry run`` with no change at all (see :mod:`spry.pyflink_compat`).
"""

__version__ = "0.1.0"
