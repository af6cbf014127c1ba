"""EnvironmentSettings, as PyFlink's: streaming or batch mode, catalog names, configuration."""

from spry.common.configuration import Configuration

__all__ = ["EnvironmentSettings"]


class EnvironmentSettings(object):
    """How a TableEnvironment starts: runtime mode and initial configuration.

    Example::

        >>> t_env = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
    """

    class Builder(object):
        """Builds EnvironmentSettings."""

        def __init__(self):
            self._config = Configuration()
            self._config.set_string("execution.runtime-mode", "streaming")

        def in_batch_mode(self):
            """Builder step ``in_batch_mode``; returns the builder."""
            self._config.set_string("execution.runtime-mode", "batch")
            return self

        def in_streaming_mode(self):
            """Builder step ``in_streaming_mode``; returns the builder."""
            self._config.set_string("execution.runtime-mode", "streaming")
            return self

        def with_built_in_catalog_name(self, name):
            """Builder step ``with_built_in_catalog_name``; returns the builder."""
            self._config.set_string("table.builtin-catalog-name", name)
            return self

        def with_built_in_database_name(self, name):
            """Builder step ``with_built_in_database_name``; returns the builder."""
            self._config.set_string("table.builtin-database-name", name)
            return self

        def with_configuration(self, config):
            """Builder step ``with_configuration``; returns the builder."""
            self._config.add_all(config)
            return self

        # Planner choices of PyFlink 1.10-1.13: Spry has one planner.
        def use_blink_planner(self):
            """Builder step ``use_blink_planner``; returns the builder."""
            return self

        def use_old_planner(self):
            """Builder step ``use_old_planner``; returns the builder."""
            return self

        def use_any_planner(self):
            """Builder step ``use_any_planner``; returns the builder."""
            return self

        def build(self):
            """Builds the object."""
            return EnvironmentSettings(self._config)

    def __init__(self, config=None):
        self._config = config or Configuration()

    @staticmethod
    def new_instance():
        """A builder."""
        return EnvironmentSettings.Builder()

    @staticmethod
    def in_streaming_mode():
        """Settings of a streaming TableEnvironment (the default)."""
        return EnvironmentSettings.new_instance().in_streaming_mode().build()

    @staticmethod
    def in_batch_mode():
        """Settings of a batch TableEnvironment."""
        return EnvironmentSettings.new_instance().in_batch_mode().build()

    @staticmethod
    def from_configuration(config):
        """Settings from a Configuration."""
        return EnvironmentSettings.new_instance().with_configuration(config).build()

    def is_streaming_mode(self):
        """Whether the mode is streaming."""
        return self._config.get_string("execution.runtime-mode", "streaming") != "batch"

    def get_built_in_catalog_name(self):
        """Returns the built in catalog name."""
        return self._config.get_string("table.builtin-catalog-name", "default_catalog")

    def get_built_in_database_name(self):
        """Returns the built in database name."""
        return self._config.get_string("table.builtin-database-name", "default_database")

    def get_configuration(self):
        """Returns the configuration."""
        return self._config

    def to_configuration(self):
        """As PyFlink's ``to_configuration``."""
        return self._config
