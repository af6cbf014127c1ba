"""Configuration, as PyFlink's ``pyflink.common.Configuration``: string keys and values."""

__all__ = ["Configuration"]


class Configuration(object):
    """A set of string options (``key -> value``).

    A :class:`~spry.table.TableConfig` holds one whose writes reach the
    engine session; a free-standing one is plain local storage, handed to
    ``EnvironmentSettings.new_instance().with_configuration(...)``.
    """

    def __init__(self, other=None, _on_set=None):
        self._data = dict(other._data) if isinstance(other, Configuration) else {}
        self._on_set = _on_set

    def set_string(self, key, value):
        """Sets ``key`` to the string ``value``; returns self."""
        value = _to_str(value)
        self._data[key] = value
        if self._on_set is not None:
            self._on_set(key, value)
        return self

    def get_string(self, key, default_value=None):
        """Returns the value of ``key``, or ``default_value``."""
        return self._data.get(key, default_value)

    def set_integer(self, key, value):
        """Sets an integer option."""
        return self.set_string(key, value)

    def get_integer(self, key, default_value=None):
        """Returns an integer option."""
        v = self._data.get(key)
        return default_value if v is None else int(v)

    def set_boolean(self, key, value):
        """Sets a boolean option."""
        return self.set_string(key, value)

    def get_boolean(self, key, default_value=None):
        """Returns a boolean option."""
        v = self._data.get(key)
        return default_value if v is None else v.lower() == "true"

    def set_float(self, key, value):
        """Sets a float option."""
        return self.set_string(key, value)

    def get_float(self, key, default_value=None):
        """Returns a float option."""
        v = self._data.get(key)
        return default_value if v is None else float(v)

    def contains_key(self, key):
        """Whether ``key`` is set."""
        return key in self._data

    def remove_config(self, key):
        """Removes ``key``; returns whether it was set."""
        return self._data.pop(key, None) is not None

    def key_set(self):
        """The set keys."""
        return set(self._data.keys())

    def add_all(self, other, prefix=None):
        """Copies every option of ``other`` (keys prefixed by ``prefix``)."""
        for k, v in other._data.items():
            self.set_string(k if prefix is None else prefix + k, v)
        return self

    def add_all_to_dict(self, target):
        """Copies the options into a dict."""
        target.update(self._data)

    def to_dict(self):
        """The options as a dict."""
        return dict(self._data)

    def __eq__(self, other):
        return isinstance(other, Configuration) and self._data == other._data

    def __repr__(self):
        return "Configuration(%r)" % self._data


def _to_str(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
