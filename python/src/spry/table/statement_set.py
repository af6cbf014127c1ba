"""StatementSet, as PyFlink's: several INSERTs planned and run as one job."""

__all__ = ["StatementSet"]


class StatementSet(object):
    """INSERT statements run together by ``execute()``.

    Example::

        >>> ss = t_env.create_statement_set()
        >>> ss.add_insert_sql("INSERT INTO a SELECT * FROM src")
        >>> ss.add_insert("b", t_env.from_path("src"))
        >>> ss.execute().wait()
    """

    def __init__(self, t_env):
        self._t_env = t_env
        self._stmts = []

    def _with(self, stmts):
        self._stmts.extend(stmts)
        return self

    def add_insert_sql(self, stmt):
        """Adds an INSERT statement; returns self."""
        self._stmts.append(stmt.strip().rstrip(";"))
        return self

    def add_insert(self, target_path_or_descriptor, table, overwrite=False):
        """Adds an INSERT of ``table`` into a path or TableDescriptor; returns self."""
        path = self._t_env._sink_path(target_path_or_descriptor)
        self._stmts.append(table._insert_sql(path, overwrite))
        return self

    def _sql(self):
        if len(self._stmts) == 1:
            return self._stmts[0]
        return "EXECUTE STATEMENT SET BEGIN\n%s;\nEND" % ";\n".join(self._stmts)

    def explain(self, *extra_details):
        """The EXPLAIN text of the statements."""
        if not self._stmts:
            raise ValueError("no statement added to the StatementSet")
        stmt = self._sql()
        return self._t_env._session.explain(stmt, [d.name for d in extra_details])

    def execute(self):
        """Runs the statements as one job; returns its TableResult."""
        if not self._stmts:
            raise ValueError("no statement added to the StatementSet")
        stmts, self._stmts = self._sql(), []
        return self._t_env._execute(stmts)

    def attach_as_datastream(self):
        """As PyFlink's ``attach_as_datastream``."""
        raise NotImplementedError("DataStream is not supported by Spry")
