"""Types shared by every API, as PyFlink's ``pyflink.common``: Row, RowKind, Configuration."""

from spry.common.configuration import Configuration
from spry.common.types import Row, RowKind

__all__ = ["Configuration", "Row", "RowKind"]
