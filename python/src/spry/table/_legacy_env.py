"""The PyFlink 1.9-1.10 methods of TableEnvironment: scan, connect, insert_into, execute ...

Kept apart so table_environment.py holds today's API; TableEnvironment
mixes this class in. Each maps onto the modern calls (DDL, statement sets).
"""

from spry.table._query import quote_path

__all__ = ["LegacyMethods", "JobExecutionResult"]


class JobExecutionResult(object):
    """What ``TableEnvironment.execute(job_name)`` returns (PyFlink 1.10)."""

    def __init__(self, job_id, job_name):
        self._job_id, self._job_name = job_id, job_name

    def get_job_id(self):
        """Returns the job id."""
        from spry.table.table_result import JobID
        return JobID(self._job_id)

    def get_net_runtime(self):
        """Returns the net runtime."""
        return 0

    def get_all_accumulator_results(self):
        """Returns the all accumulator results."""
        return {}

    def is_job_execution_result(self):
        """Whether job execution result."""
        return True

    def get_job_execution_result(self):
        """Returns the job execution result."""
        return self


class LegacyMethods(object):
    """TableEnvironment methods of PyFlink 1.9/1.10 (mixed into TableEnvironment)."""

    def scan(self, *table_path):
        """(1.9) The table registered at the path given as parts."""
        return self.from_path(".".join(table_path))

    def register_table(self, name, table):
        """(1.9) Registers a Table as a temporary view."""
        self.create_temporary_view(name, table)

    def _register_legacy(self, name, args):
        from spry.table.sinks import TableSink
        from spry.table.table_descriptor import _opt
        from spry.table.expression import quote
        sink = args[-1]
        if not isinstance(sink, TableSink):
            raise TypeError("expected a TableSink/TableSource, got %r" % (sink,))
        names = list(args[0]) if len(args) == 3 else sink._field_names
        types = list(args[1]) if len(args) == 3 else sink._field_types
        ddl = "CREATE TEMPORARY TABLE %s (\n  %s\n) WITH (\n  %s\n)" % (
            quote_path(name), ",\n  ".join("%s %s" % (quote(n), t) for n, t in zip(names, types)),
            ",\n  ".join(_opt(k, v) for k, v in sink._options.items()))
        self._session.execute_sql(ddl)

    def register_table_sink(self, name, *args):
        """(1.9) Registers a CsvTableSink: ``(name, sink)`` or ``(name, field_names, field_types, sink)``."""
        self._register_legacy(name, args)

    def register_table_source(self, name, *args):
        """(1.9) Registers a CsvTableSource."""
        self._register_legacy(name, args)

    def connect(self, connector_descriptor):
        """(1.9-1.13) Describes a table by connector/format/schema descriptors."""
        from spry.table.descriptors import ConnectTableDescriptor
        return ConnectTableDescriptor(self, connector_descriptor)

    def register_function(self, name, function):
        """(1.9/1.10) Registers a Python UDF."""
        self._create_function(name, function, True)

    def register_java_function(self, name, function_class_name):
        """As PyFlink's ``register_java_function``."""
        raise NotImplementedError("Spry runs no JVM: Java functions are not supported")

    def sql_update(self, stmt):
        """(1.9/1.10) An INSERT run by ``execute(job_name)``; DDL runs at once."""
        if stmt.lstrip().upper().startswith("INSERT"):
            self._pending_inserts.append(stmt.strip().rstrip(";"))
        else:
            self._execute(stmt)

    def explain(self, table=None, extended=False):
        """(1.10) The EXPLAIN text of a table, or of the pending inserts."""
        if table is not None:
            return table.explain()
        return self.create_statement_set()._with(self._pending_inserts).explain()

    def insert_into(self, target_path, table):
        """(1.10) Adds an INSERT of ``table`` into ``target_path`` to run with ``execute``."""
        table.insert_into(target_path)

    def execute(self, job_name=None):
        """(1.9-1.10) Runs the pending ``insert_into``/``sql_update`` INSERTs and waits for them."""
        if not self._pending_inserts:
            raise RuntimeError("No operators defined in streaming topology. Cannot execute.")
        stmts, self._pending_inserts = self._pending_inserts, []
        res = self.create_statement_set()._with(stmts).execute()
        res.wait()
        return JobExecutionResult(res._job_id, job_name)
