"""TableConfig, as PyFlink's: session options read and written through the engine."""

import datetime

from spry.common.configuration import Configuration

__all__ = ["TableConfig"]


class TableConfig(object):
    """The options of a TableEnvironment's session (``t_env.get_config()``).

    ``set(key, value)`` is ``SET 'key' = 'value'`` in the engine session.

    Example::

        >>> t_env.get_config().set("parallelism.default", "1")
    """

    def __init__(self, session=None):
        self._session = session
        self._conf = Configuration(_on_set=self._push)

    def _push(self, key, value):
        if self._session is not None:
            self._session.set_config(key, value)

    def set(self, key, value):
        """Sets an option; returns self."""
        self._conf.set_string(key, value)
        return self

    def get(self, key, default_value=None):
        """Reads an option from the engine session (its default included)."""
        if self._session is not None:
            v = self._session.get_config(key)
            if v is not None:
                return v
        return self._conf.get_string(key, default_value)

    def get_configuration(self):
        """The Configuration of this session: writes reach the engine."""
        if self._session is not None:
            for k, v in self._session.config_all().items():
                self._conf._data.setdefault(k, v)
        return self._conf

    def add_configuration(self, configuration):
        """Sets every option of ``configuration``."""
        for k, v in configuration.to_dict().items():
            self.set(k, v)

    def set_local_timezone(self, timezone_id):
        """Sets the local timezone."""
        self.set("table.local-time-zone", timezone_id)

    def get_local_timezone(self):
        """Returns the local timezone."""
        return self.get("table.local-time-zone", "default")

    def set_idle_state_retention(self, duration):
        """Sets the idle state retention."""
        ms = duration.total_seconds() * 1000 if isinstance(duration, datetime.timedelta) else duration
        self.set("table.exec.state.ttl", "%d ms" % int(ms))

    def set_idle_state_retention_time(self, min_time, max_time):
        """Sets the idle state retention time."""
        self.set_idle_state_retention(min_time)

    def get_idle_state_retention(self):
        """Returns the idle state retention."""
        return self.get("table.exec.state.ttl")

    def set_max_generated_code_length(self, max_generated_code_length):
        """Sets the max generated code length."""
        pass

    def get_max_generated_code_length(self):
        """Returns the max generated code length."""
        return 64000

    def set_null_check(self, null_check):
        """Sets the null check."""
        pass

    def get_null_check(self):
        """Returns the null check."""
        return True

    def set_python_executable(self, python_exec):
        """Sets the python executable."""
        self.set("python.executable", python_exec)

    def get_python_executable(self):
        """Returns the python executable."""
        return self.get("python.executable")

    def get_sql_dialect(self):
        """Returns the sql dialect."""
        from spry.table.sql_dialect import SqlDialect
        return SqlDialect.DEFAULT

    def set_sql_dialect(self, sql_dialect):
        """Sets the sql dialect."""
        pass
