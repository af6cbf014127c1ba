"""A stub of PyFlink 1.9-1.13's ``pyflink.dataset``: ExecutionEnvironment for BatchTableEnvironment."""

__all__ = ["ExecutionEnvironment"]


class ExecutionEnvironment(object):
    """Holds settings that a BatchTableEnvironment copies into its session."""

    def __init__(self):
        self._config = {}

    @staticmethod
    def get_execution_environment():
        """Returns the execution environment."""
        return ExecutionEnvironment()

    def set_parallelism(self, parallelism):
        """Sets the parallelism."""
        self._config["parallelism.default"] = str(parallelism)
        return self

    def get_parallelism(self):
        """Returns the parallelism."""
        return int(self._config.get("parallelism.default", "1"))

    def execute(self, job_name=None):
        """Not supported: Spry runs Table API and SQL programs only."""
        raise NotImplementedError("DataSet programs are not supported by Spry (Table API and SQL only)")
