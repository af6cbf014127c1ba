"""TableEnvironment, as PyFlink's ``pyflink.table.TableEnvironment``: the entry point.

One TableEnvironment is one engine session (a gateway connection): its
catalog, configuration, temporary tables and functions and running jobs.
"""

import atexit
import os
import re
import sys
import weakref

from spry.table._legacy_env import JobExecutionResult, LegacyMethods  # noqa: F401
from spry.table._query import Query, quote_path
from spry.table._session import Session
from spry.table.environment_settings import EnvironmentSettings
from spry.table.statement_set import StatementSet
from spry.table.table import Table
from spry.table.table_config import TableConfig
from spry.table.table_result import TableResult
from spry.table.types import DataType, RowType, _infer_type, DataTypes

__all__ = ["TableEnvironment", "StreamTableEnvironment", "BatchTableEnvironment", "JobExecutionResult"]

_INLINE_PREFIX = "__spry_inline_"
_live = weakref.WeakSet()


class TableEnvironment(LegacyMethods):
    """Creates tables, runs SQL and Table API programs, registers functions.

    Example::

        >>> t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
        >>> t_env.execute_sql("CREATE TABLE words (word STRING) WITH ('connector' = 'datagen')")
        >>> t_env.from_path("words").group_by(col('word')).select(col('word'), lit(1).count).execute().print()
    """

    def __init__(self, settings=None, session=None):
        self._settings = settings or EnvironmentSettings.in_streaming_mode()
        self._session = session or Session()
        self._config = TableConfig(self._session)
        self._pending_inserts = []
        self._jobs = []
        self._registered = {}
        for k, v in self._settings.get_configuration().to_dict().items():
            self._session.set_config(k, v)
        # As PyFlink's local mode: UDF workers run this interpreter (and so
        # see its packages) unless python.executable says otherwise.
        if not self._session.get_config("python.executable") and not os.environ.get("SPRY_PYTHON"):
            self._session.set_config("python.executable", sys.executable)
        _live.add(self)

    @staticmethod
    def create(environment_settings=None):
        """A TableEnvironment from EnvironmentSettings (or a Configuration)."""
        from spry.common.configuration import Configuration
        if isinstance(environment_settings, Configuration):
            environment_settings = EnvironmentSettings.from_configuration(environment_settings)
        return TableEnvironment(environment_settings)

    # ---- internals
    @property
    def _batch(self):
        mode = self._config.get("execution.runtime-mode", "streaming")
        return str(mode).lower() == "batch"

    def _execute(self, statement):
        res = TableResult(self._session, self._session.execute_sql(statement), batch=self._batch)
        if res._kind == "job":
            self._jobs.append(res)
        return res

    def _flush_udfs(self, exprs):
        """Registers the UDF objects called in ``exprs`` that this session does not know yet."""
        from spry.table.udf import _pending
        if not _pending:
            return
        text = " ".join(e.sql for e in exprs)
        for w in list(_pending.values()):
            if self._registered.get(w._name) is w or not re.search(r"(?<![\w$`])%s\(" % re.escape(w._name), text):
                continue
            self.create_temporary_system_function(w._name, w)

    def _sink_path(self, target):
        from spry.table.table_descriptor import TableDescriptor
        if isinstance(target, TableDescriptor):
            name = self._session.unique_name("__spry_sink_")
            self.create_temporary_table(name, target)
            return name
        return target

    def _wait_jobs(self):
        for r in self._jobs:
            if not r._finished and not r._failed:
                try:
                    r.wait()
                except Exception:
                    pass
        self._jobs = []

    # ---- tables
    def from_path(self, path):
        """The table registered at ``path``."""
        return Table(Query.table(path), self)

    def from_descriptor(self, descriptor):
        """A table from a TableDescriptor (registered under a generated name)."""
        name = self._session.unique_name(_INLINE_PREFIX)
        self.create_temporary_table(name, descriptor)
        return self.from_path(name)

    def sql_query(self, query):
        """A Table for a SELECT query."""
        return Table(Query(raw=query.strip().rstrip(";")), self)

    def from_elements(self, elements, schema=None, verify_schema=True):
        """A bounded table of the given rows.

        :param elements: tuples, lists, Rows or dicts.
        :param schema: a ``DataTypes.ROW`` type, a list of column names, or None (``_1``, ``_2``, ...).

        Example::

            >>> t_env.from_elements([(1, 'hi', 'hello')], ['a', 'b', 'c'])
        """
        elements = list(elements)
        names, types = self._resolve_schema(elements, schema)
        name = self._session.unique_name(_INLINE_PREFIX)
        self._session.register_rows(name, elements, names, types)
        return self.from_path(name)

    def _resolve_schema(self, elements, schema):
        if isinstance(schema, RowType):
            return schema.field_names(), schema.field_types()
        if isinstance(schema, DataType):
            return ["f0"], [schema]
        first = elements[0] if elements else None
        if first is None:
            raise ValueError("from_elements needs a schema for an empty list")
        if isinstance(first, dict):
            vals, inferred_names = list(first.values()), list(first.keys())
        elif isinstance(first, (list, tuple)) or hasattr(first, "_values"):
            vals = list(first)
            inferred_names = list(getattr(first, "_fields", None) or ["_%d" % (i + 1) for i in range(len(vals))])
        else:
            vals, inferred_names = [first], ["_1"]
        types = []
        for i, v in enumerate(vals):
            t = None
            for e in elements:
                x = (list(e.values()) if isinstance(e, dict) else list(e) if not isinstance(e, (int, float, str))
                     else [e])[i]
                if x is not None:
                    t = _infer_type(x)
                    break
            types.append(t or DataTypes.STRING())
        if isinstance(schema, (list, tuple)) and schema:
            names = list(schema)
        else:
            names = inferred_names
        return names, types

    def from_pandas(self, pdf, schema=None, splits_num=1):
        """A bounded table of a pandas DataFrame's rows (moved as Arrow).

        :param schema: a ``DataTypes.ROW`` type, a list of column names, a list of DataTypes, or None.
        """
        import pyarrow as pa
        from spry.table._arrow import arrow_schema
        t = pa.Table.from_pandas(pdf, preserve_index=False)
        if isinstance(schema, RowType):
            target = arrow_schema(schema.field_names(), schema.field_types())
            t = pa.Table.from_arrays([c.cast(f.type) for c, f in zip(t.columns, target)], schema=target)
        elif isinstance(schema, (list, tuple)) and schema and isinstance(schema[0], DataType):
            target = arrow_schema(t.column_names, list(schema))
            t = pa.Table.from_arrays([c.cast(f.type) for c, f in zip(t.columns, target)], schema=target)
        elif isinstance(schema, (list, tuple)) and schema:
            t = t.rename_columns(list(schema))
        t = t.replace_schema_metadata(None)
        return self._register_arrow(t)

    def _register_arrow(self, arrow_table):
        name = self._session.unique_name(_INLINE_PREFIX)
        self._session.register_arrow(name, arrow_table)
        return self.from_path(name)

    def create_temporary_view(self, view_path, table_or_data_stream, *fields):
        """Registers a Table (or a pandas DataFrame) as a temporary view."""
        t = table_or_data_stream
        if not isinstance(t, Table):
            try:
                import pandas as pd
                if isinstance(t, pd.DataFrame):
                    t = self.from_pandas(t)
            except ImportError:
                pass
        if not isinstance(t, Table):
            raise TypeError("create_temporary_view takes a Table (DataStream conversion is not supported)")
        if fields:
            t = t.alias(*fields)
        self._session.execute_sql("CREATE TEMPORARY VIEW %s AS %s" % (quote_path(view_path), t._query()))

    def create_table(self, path, descriptor):
        """Creates a catalog table from a TableDescriptor."""
        self._session.execute_sql(descriptor._ddl(path))

    def create_temporary_table(self, path, descriptor):
        """Creates a temporary table from a TableDescriptor."""
        self._session.execute_sql(descriptor._ddl(path, temporary=True))

    def drop_temporary_table(self, table_path):
        """Drops a temporary table; returns whether it existed."""
        try:
            self._session.execute_sql("DROP TEMPORARY TABLE %s" % quote_path(table_path))
            return True
        except Exception:
            return False

    def drop_temporary_view(self, view_path):
        """Drops a temporary view; returns whether it existed."""
        try:
            self._session.execute_sql("DROP TEMPORARY VIEW %s" % quote_path(view_path))
            return True
        except Exception:
            return False

    def drop_table(self, path, ignore_if_not_exists=True):
        """Drops a table; returns whether it existed."""
        self._session.execute_sql("DROP TABLE %s%s" % ("IF EXISTS " if ignore_if_not_exists else "",
                                                        quote_path(path)))
        return True

    def drop_view(self, path, ignore_if_not_exists=True):
        """Drops a view; returns whether it existed."""
        self._session.execute_sql("DROP VIEW %s%s" % ("IF EXISTS " if ignore_if_not_exists else "",
                                                       quote_path(path)))
        return True

    # ---- catalog listings
    def _show(self, what):
        res = self._execute("SHOW " + what)
        return [v[0] for _, v in res._rows()]

    def list_catalogs(self):
        """Lists the catalogs."""
        return self._show("CATALOGS")

    def list_databases(self):
        """Lists the databases."""
        return self._show("DATABASES")

    def list_tables(self):
        """Lists the tables."""
        return [t for t in self._show("TABLES") if not t.startswith("__spry_")]

    def list_views(self):
        """Lists the views."""
        return [t for t in self._show("VIEWS") if not t.startswith("__spry_")]

    def list_temporary_tables(self):
        """Lists the temporary tables."""
        return self.list_tables()

    def list_temporary_views(self):
        """Lists the temporary views."""
        return self.list_views()

    def list_functions(self):
        """Lists the functions."""
        return self._show("FUNCTIONS")

    def list_user_defined_functions(self):
        """Lists the user defined functions."""
        return self._show("USER FUNCTIONS")

    def list_modules(self):
        """Lists the modules."""
        return self._show("MODULES")

    def list_full_modules(self):
        """Lists the full modules."""
        return self._show("FULL MODULES")

    def use_catalog(self, catalog_name):
        """Builder step ``use_catalog``; returns the builder."""
        self._session.execute_sql("USE CATALOG %s" % quote_path(catalog_name))

    def use_database(self, database_name):
        """Builder step ``use_database``; returns the builder."""
        self._session.execute_sql("USE %s" % quote_path(database_name))

    def get_current_catalog(self):
        """Returns the current catalog."""
        return self._show("CURRENT CATALOG")[0]

    def get_current_database(self):
        """Returns the current database."""
        return self._show("CURRENT DATABASE")[0]

    def load_module(self, module_name, module=None):
        """Not supported by Spry (no JVM; the ``core`` module only)."""
        raise NotImplementedError("modules other than 'core' are not supported by Spry")

    def unload_module(self, module_name):
        """Not supported by Spry (no JVM; the ``core`` module only)."""
        raise NotImplementedError("modules other than 'core' are not supported by Spry")

    def use_modules(self, *module_names):
        """Builder step ``use_modules``; returns the builder."""
        if list(module_names) != ["core"]:
            raise NotImplementedError("modules other than 'core' are not supported by Spry")

    # ---- configuration and dependencies
    def get_config(self):
        """The session's TableConfig (``get_config().set(key, value)``)."""
        return self._config

    def _append_config(self, key, value):
        old = self._config.get(key)
        self._config.set(key, value if not old else old + "," + value)

    def add_python_file(self, file_path):
        """Ships a Python file or directory to the UDF workers (``python.files``)."""
        self._append_config("python.files", file_path)

    def add_python_archive(self, archive_path, target_dir=None):
        """Ships an archive, extracted for the UDF workers (``python.archives``)."""
        self._append_config("python.archives", archive_path if target_dir is None else archive_path + "#" + target_dir)

    def set_python_requirements(self, requirements_file_path, requirements_cache_dir=None):
        """Installs requirements for the UDF workers (``python.requirements``)."""
        v = requirements_file_path
        if requirements_cache_dir is not None:
            v += "#" + requirements_cache_dir
        self._config.set("python.requirements", v)

    def add_jars(self, *jar_paths):
        """Not supported by Spry (no JVM; the ``core`` module only)."""
        raise NotImplementedError("Spry runs no JVM: jars cannot be added")

    # ---- functions
    def _create_function(self, name, function, temporary_system):
        from spry.table.udf import (UserDefinedFunctionWrapper, AggregateFunction, TableAggregateFunction,
                                    udaf, udtaf)
        from spry.table.udf_serialize import describe
        # As PyFlink, a bare AggregateFunction instance is wrapped with its
        # get_result_type()/get_accumulator_type().
        if isinstance(function, TableAggregateFunction):
            function = udtaf(function, name=name)
        elif isinstance(function, AggregateFunction):
            function = udaf(function, name=name)
        payload, spec = describe(function)
        spec = dict(spec)
        spec["name"] = name
        spec["temporary_system"] = temporary_system
        self._session.create_function(spec, payload)
        if isinstance(function, UserDefinedFunctionWrapper):
            self._registered[name] = function

    def create_temporary_system_function(self, name, function):
        """Registers a Python UDF as a temporary system function."""
        self._create_function(name, function, True)

    def create_temporary_function(self, path, function):
        """Registers a Python UDF as a temporary catalog function."""
        self._create_function(path, function, False)

    def drop_temporary_system_function(self, name):
        """Drops a temporary system function; returns whether it existed."""
        try:
            self._session.execute_sql("DROP TEMPORARY SYSTEM FUNCTION %s" % quote_path(name))
            return True
        except Exception:
            return False

    def drop_temporary_function(self, path):
        """Drops a temporary function; returns whether it existed."""
        try:
            self._session.execute_sql("DROP TEMPORARY FUNCTION %s" % quote_path(path))
            return True
        except Exception:
            return False

    def drop_function(self, path):
        """Drops a function; returns whether it existed."""
        return self.drop_temporary_function(path)

    def create_java_temporary_function(self, path, function_class_name):
        """Creates a java temporary function."""
        raise NotImplementedError("Spry runs no JVM: Java functions are not supported")

    def create_java_temporary_system_function(self, name, function_class_name):
        """Creates a java temporary system function."""
        raise NotImplementedError("Spry runs no JVM: Java functions are not supported")

    def create_java_function(self, path, function_class_name, ignore_if_exists=None):
        """Creates a java function."""
        raise NotImplementedError("Spry runs no JVM: Java functions are not supported")

    # ---- statements
    def execute_sql(self, stmt):
        """Runs one SQL statement; returns its TableResult."""
        return self._execute(stmt)

    def explain_sql(self, stmt, *extra_details):
        """The EXPLAIN text of a statement."""
        return self._session.explain(stmt, [d.name for d in extra_details])

    def create_statement_set(self):
        """A StatementSet: several INSERTs run as one job."""
        return StatementSet(self)

    def close(self):
        """Ends the engine session (waiting for unfinished INSERT jobs first)."""
        self._wait_jobs()
        self._session.close()
        _live.discard(self)


class StreamTableEnvironment(TableEnvironment):
    """A streaming TableEnvironment; ``create`` accepts (and ignores) a StreamExecutionEnvironment."""

    @staticmethod
    def create(stream_execution_environment=None, environment_settings=None, table_config=None):
        """A streaming TableEnvironment (the StreamExecutionEnvironment's settings are copied)."""
        if isinstance(stream_execution_environment, EnvironmentSettings):
            environment_settings, stream_execution_environment = stream_execution_environment, None
        settings = environment_settings or EnvironmentSettings.in_streaming_mode()
        t_env = StreamTableEnvironment(settings)
        _apply_env(t_env, stream_execution_environment)
        _apply_config(t_env, table_config)
        return t_env

    def from_data_stream(self, *args, **kwargs):
        """Not supported: DataStream conversions (Spry runs Table API and SQL programs)."""
        raise NotImplementedError("DataStream conversions are not supported by Spry (Table API and SQL only)")

    def to_data_stream(self, *args, **kwargs):
        """Not supported: DataStream conversions (Spry runs Table API and SQL programs)."""
        raise NotImplementedError("DataStream conversions are not supported by Spry (Table API and SQL only)")

    def to_changelog_stream(self, *args, **kwargs):
        """Not supported: DataStream conversions (Spry runs Table API and SQL programs)."""
        raise NotImplementedError("DataStream conversions are not supported by Spry (Table API and SQL only)")

    def from_changelog_stream(self, *args, **kwargs):
        """Not supported: DataStream conversions (Spry runs Table API and SQL programs)."""
        raise NotImplementedError("DataStream conversions are not supported by Spry (Table API and SQL only)")

    def to_append_stream(self, *args, **kwargs):
        """Not supported: DataStream conversions (Spry runs Table API and SQL programs)."""
        raise NotImplementedError("DataStream conversions are not supported by Spry (Table API and SQL only)")

    def to_retract_stream(self, *args, **kwargs):
        """Not supported: DataStream conversions (Spry runs Table API and SQL programs)."""
        raise NotImplementedError("DataStream conversions are not supported by Spry (Table API and SQL only)")


class BatchTableEnvironment(TableEnvironment):
    """(1.9-1.13) A batch TableEnvironment; ``create`` accepts an ExecutionEnvironment."""

    @staticmethod
    def create(execution_environment=None, table_config=None, environment_settings=None):
        """A batch TableEnvironment (the ExecutionEnvironment's settings are copied)."""
        if isinstance(execution_environment, EnvironmentSettings):
            environment_settings, execution_environment = execution_environment, None
        settings = environment_settings or EnvironmentSettings.in_batch_mode()
        if settings.is_streaming_mode():
            settings = EnvironmentSettings.new_instance().with_configuration(settings.get_configuration()) \
                .in_batch_mode().build()
        t_env = BatchTableEnvironment(settings)
        _apply_env(t_env, execution_environment)
        _apply_config(t_env, table_config)
        return t_env


def _apply_env(t_env, env):
    """Copies a (stub) execution environment's settings into the session."""
    if env is None:
        return
    for k, v in getattr(env, "_config", {}).items():
        t_env.get_config().set(k, v)


def _apply_config(t_env, table_config):
    """Copies the options of a TableConfig made before the environment."""
    if table_config is not None and table_config is not t_env._config:
        for k, v in table_config._conf.to_dict().items():
            t_env.get_config().set(k, v)


# The gateway client closes its sessions at exit; import it first so that
# this module's exit hook (registered later) runs before that one.
try:
    import spry._gateway  # noqa: F401
except ImportError:
    pass


@atexit.register
def _finish_jobs():
    # A script that submits INSERTs and ends must not cancel them: wait, as
    # `spry run` promises (PyFlink's local mode exits before results appear).
    for t_env in list(_live):
        try:
            t_env._wait_jobs()
        except Exception:
            pass
