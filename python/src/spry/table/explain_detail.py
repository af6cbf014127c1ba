"""ExplainDetail, as PyFlink's: extra sections of EXPLAIN."""

from enum import Enum

__all__ = ["ExplainDetail"]


class ExplainDetail(Enum):
    """Extra details EXPLAIN can print."""

    ESTIMATED_COST = 0
    CHANGELOG_MODE = 1
    JSON_EXECUTION_PLAN = 2
    PLAN_ADVICE = 3
