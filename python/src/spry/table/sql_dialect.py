"""SqlDialect, as PyFlink's (Spry speaks Flink's default dialect only)."""

from enum import Enum

__all__ = ["SqlDialect"]


class SqlDialect(Enum):
    """SQL dialects."""

    DEFAULT = 0
    HIVE = 1
