"""TableDescriptor and FormatDescriptor, as PyFlink's: a table's schema, connector and options."""

__all__ = ["TableDescriptor", "FormatDescriptor"]


def _opt(k, v):
    return "'%s' = '%s'" % (str(k).replace("'", "''"), str(v).replace("'", "''"))


class TableDescriptor(object):
    """Describes a table for ``create_table``/``create_temporary_table``/``execute_insert``.

    Example::

        >>> TableDescriptor.for_connector("filesystem").schema(schema) \\
        ...     .option("path", "/tmp/out").format("csv").build()
    """

    def __init__(self, connector=None, schema=None, options=None, partition_keys=(), comment=None):
        self._connector = connector
        self._schema = schema
        self._options = dict(options or {})
        self._partition_keys = list(partition_keys)
        self._comment = comment

    @staticmethod
    def for_connector(connector):
        """As PyFlink's ``for_connector``."""
        return TableDescriptor.Builder(connector)

    def get_schema(self):
        """Returns the schema."""
        return self._schema

    def get_options(self):
        """Returns the options."""
        opts = {"connector": self._connector} if self._connector else {}
        opts.update(self._options)
        return opts

    def get_partition_keys(self):
        """Returns the partition keys."""
        return list(self._partition_keys)

    def get_comment(self):
        """Returns the comment."""
        return self._comment

    def _ddl(self, path, temporary=False, if_not_exists=False, schema_from=None):
        """The CREATE TABLE statement of this descriptor at ``path``."""
        from spry.table._query import quote_path
        schema = self._schema or schema_from
        s = "CREATE %sTABLE %s%s" % ("TEMPORARY " if temporary else "", "IF NOT EXISTS " if if_not_exists else "",
                                      quote_path(path))
        if schema is not None:
            s += " (\n  %s\n)" % ",\n  ".join(schema._ddl_items())
        if self._comment:
            s += " COMMENT '%s'" % self._comment.replace("'", "''")
        if self._partition_keys:
            s += " PARTITIONED BY (%s)" % ", ".join("`%s`" % k for k in self._partition_keys)
        s += " WITH (\n  %s\n)" % ",\n  ".join(_opt(k, v) for k, v in self.get_options().items())
        return s

    def __str__(self):
        return self._ddl("t")

    class Builder(object):
        """Builds a TableDescriptor."""

        def __init__(self, connector):
            self._d = TableDescriptor(connector)

        def schema(self, schema):
            """Sets the schema; returns the builder."""
            self._d._schema = schema
            return self

        def option(self, key, value):
            """Sets a connector or format option; returns the builder."""
            self._d._options[key] = _str(value)
            return self

        def format(self, format, format_option=None):
            """Sets the format (a name or a FormatDescriptor); returns the builder."""
            if isinstance(format, FormatDescriptor):
                fmt_key = "format" if format_option is None else format_option
                self._d._options[fmt_key] = format._identifier
                for k, v in format._options.items():
                    self._d._options["%s.%s" % (format._identifier, k)] = v
            else:
                self._d._options["format" if format_option is None else format_option] = format
            return self

        def partitioned_by(self, *partition_keys):
            """As PyFlink's ``partitioned_by``."""
            self._d._partition_keys = list(partition_keys)
            return self

        def comment(self, comment):
            """As PyFlink's ``comment``."""
            self._d._comment = comment
            return self

        def distributed_by(self, *args, **kwargs):
            """As PyFlink's ``distributed_by``."""
            return self

        def build(self):
            """Builds the object."""
            return self._d


class FormatDescriptor(object):
    """A format with options: ``FormatDescriptor.for_format("csv").option("field-delimiter", "|").build()``."""

    def __init__(self, identifier, options=None):
        self._identifier = identifier
        self._options = dict(options or {})

    @staticmethod
    def for_format(format):
        """As PyFlink's ``for_format``."""
        return FormatDescriptor.Builder(format)

    def get_format(self):
        """Returns the format."""
        return self._identifier

    def get_options(self):
        """Returns the options."""
        return dict(self._options)

    class Builder(object):
        """As PyFlink's ``Builder``."""
        def __init__(self, identifier):
            self._d = FormatDescriptor(identifier)

        def option(self, key, value):
            """Sets a connector or format option; returns the builder."""
            self._d._options[key] = _str(value)
            return self

        def build(self):
            """Builds the object."""
            return self._d


def _str(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
