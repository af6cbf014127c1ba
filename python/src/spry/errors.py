"""Exceptions raised when the Spry engine reports an error.

Every error the engine returns through the gateway becomes one of these,
carrying the engine's message verbatim (for SQL errors: the message, the
offending line and a caret under the column)::

    from spry.errors import SqlError
    try:
        t_env.execute_sql("SELECT a FORM t")
    except SqlError as e:
        print(e.line, e.column)   # 1 10
"""


class SpryError(Exception):
    """Base class of the errors the engine reports.

    :param message: the engine's message (for SQL errors, with the source
                    line and a caret).
    :param type: the protocol's error type (``SqlError``, ``ValidationError``,
                 ``JobError``, ``PythonError``, ``ProtocolError``,
                 ``InternalError``).
    :param line: 1-based line of a SQL error, or None.
    :param column: 1-based column of a SQL error, or None.
    :param summary: the one-line message without the caret text.
    """

    def __init__(self, message, type=None, line=None, column=None, summary=None):
        super().__init__(message)
        self.message = message
        self.type = type or self.__class__.__name__
        self.line = line
        self.column = column
        self.summary = summary or message

    def __str__(self):
        return self.message


class SqlError(SpryError):
    """A statement failed to parse (``line``/``column`` say where)."""


class ValidationError(SqlError):
    """A statement, option or configuration value was rejected while it was
    validated or planned (an unknown column, a type mismatch, a bad connector
    option); ``line``/``column`` are set when the error has a position."""


class JobError(SpryError):
    """A job failed while running; the message names the operator."""


class PythonUDFError(JobError):
    """A Python user-defined function raised; the message holds its traceback."""


class ProtocolError(SpryError):
    """The client and the engine disagree on the gateway protocol (version
    mismatch, malformed request) or the engine went away."""


class InternalError(SpryError):
    """A bug in Spry, caught by the engine; the session remains usable."""


#: The exception class of each protocol error type.
ERROR_TYPES = {
    "SqlError": SqlError,
    "ValidationError": ValidationError,
    "JobError": JobError,
    "PythonError": PythonUDFError,
    "ProtocolError": ProtocolError,
    "InternalError": InternalError,
}


def from_error_object(obj):
    """Build the exception for an error object of the gateway protocol.

    :param obj: the ``error`` dict of a response.
    :return: an instance of the matching :class:`SpryError` subclass.
    """
    cls = ERROR_TYPES.get(obj.get("type"), SpryError)
    return cls(
        obj.get("message", ""),
        type=obj.get("type"),
        line=obj.get("line"),
        column=obj.get("column"),
        summary=obj.get("summary"),
    )
