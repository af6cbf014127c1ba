"""A stub of PyFlink's ``pyflink.datastream``: only what Table API programs touch.

``StreamTableEnvironment.create(StreamExecutionEnvironment.get_execution_environment())``
works; the settings made on the environment (parallelism) reach the table
session. DataStream programs themselves are not supported by Spry.
"""

__all__ = ["StreamExecutionEnvironment", "TimeCharacteristic", "CheckpointingMode", "RuntimeExecutionMode"]


class TimeCharacteristic(object):
    """(PyFlink <= 1.11) The time characteristic; Spry uses each table's time attributes."""

    ProcessingTime = 0
    IngestionTime = 1
    EventTime = 2


class CheckpointingMode(object):
    """Checkpointing modes."""

    EXACTLY_ONCE = 0
    AT_LEAST_ONCE = 1


class RuntimeExecutionMode(object):
    """Runtime modes."""

    STREAMING = "streaming"
    BATCH = "batch"
    AUTOMATIC = "automatic"


class StreamExecutionEnvironment(object):
    """Holds settings that a StreamTableEnvironment copies into its session."""

    def __init__(self):
        self._config = {}

    @staticmethod
    def get_execution_environment(configuration=None):
        """Returns the execution environment."""
        env = StreamExecutionEnvironment()
        if configuration is not None:
            env._config.update(configuration.to_dict())
        return env

    def set_parallelism(self, parallelism):
        """Sets the parallelism."""
        self._config["parallelism.default"] = str(parallelism)
        return self

    def get_parallelism(self):
        """Returns the parallelism."""
        return int(self._config.get("parallelism.default", "1"))

    def set_max_parallelism(self, max_parallelism):
        """Sets the max parallelism."""
        self._config["pipeline.max-parallelism"] = str(max_parallelism)
        return self

    def set_stream_time_characteristic(self, characteristic):
        """Sets the stream time characteristic."""
        return self

    def set_runtime_mode(self, execution_mode):
        """Sets the runtime mode."""
        self._config["execution.runtime-mode"] = str(execution_mode).lower()
        return self

    def enable_checkpointing(self, interval, mode=None):
        """As PyFlink's ``enable_checkpointing``."""
        self._config["execution.checkpointing.interval"] = "%d ms" % interval
        return self

    def add_python_file(self, file_path):
        """As PyFlink's ``add_python_file``."""
        self._config["python.files"] = ",".join(filter(None, [self._config.get("python.files"), file_path]))

    def set_python_executable(self, python_exec):
        """Sets the python executable."""
        self._config["python.executable"] = python_exec

    def execute(self, job_name=None):
        """Not supported: Spry runs Table API and SQL programs only."""
        raise NotImplementedError("DataStream programs are not supported by Spry (Table API and SQL only)")
