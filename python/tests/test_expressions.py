"""Expressions and 1.9 string expressions render to Flink SQL (no engine needed)."""
import pytest

from spry.table._strexpr import ExpressionParseError, parse_list
from spry.table.expressions import (array, call, call_sql, col, if_then_else, lit, map_, and_, or_, not_,
                                    row, UNBOUNDED_RANGE)
from spry.table.types import DataTypes


@pytest.mark.parametrize("expr, sql", [
    (col("a") + 1, "(`a` + 1)"),
    (1 + col("a"), "(1 + `a`)"),
    (col("a") * col("b") - 2, "((`a` * `b`) - 2)"),
    (col("a") / 2, "(`a` / 2)"),
    (col("a") % 3, "MOD(`a`, 3)"),
    (col("a") == "x", None),  # strings are expressions in the 1.9 API: see below
    (col("a") == lit("x"), "(`a` = 'x')"),
    (col("a") != 1, "(`a` <> 1)"),
    ((col("a") > 1) & (col("b") < 2), "((`a` > 1) AND (`b` < 2))"),
    ((col("a") >= 1) | ~col("c"), "((`a` >= 1) OR (NOT `c`))"),
    (col("a").alias("b"), "`a` AS `b`"),
    (col("a").cast(DataTypes.BIGINT()), "CAST(`a` AS BIGINT)"),
    (col("a").count, "COUNT(`a`)"),
    (col("user_id").count.distinct, "COUNT(DISTINCT `user_id`)"),
    (col("a").sum, "SUM(`a`)"),
    (col("a").avg, "AVG(`a`)"),
    (col("a").min, "MIN(`a`)"),
    (col("a").max, "MAX(`a`)"),
    (col("b").upper_case, "UPPER(`b`)"),
    (col("b").lower_case, "LOWER(`b`)"),
    (col("b").like(lit("a%")), "(`b` LIKE 'a%')"),
    (col("a").between(1, 3), "(`a` BETWEEN 1 AND 3)"),
    (col("a").is_null, "(`a` IS NULL)"),
    (col("a").in_(1, 2), "(`a` IN (1, 2))"),
    (lit(1).hours, "INTERVAL '1' HOUR"),
    (lit(10).minutes, "INTERVAL '10' MINUTE"),
    (col("a").desc, "`a` DESC"),
    (call("upper", col("b")), "upper(`b`)"),
    (call_sql("UPPER(b)"), "(UPPER(b))"),
    (if_then_else(col("a") > 1, lit("x"), lit("y")), "CASE WHEN (`a` > 1) THEN 'x' ELSE 'y' END"),
    (row(col("a"), 1), "ROW(`a`, 1)"),
    (array(1, 2), "ARRAY[1, 2]"),
    (map_(lit("k"), 1), "MAP['k', 1]"),
    (and_(col("a"), col("b"), col("c")), "(`a` AND `b` AND `c`)"),
    (or_(col("a"), col("b")), "(`a` OR `b`)"),
    (not_(col("a")), "(NOT `a`)"),
    (lit(None), "NULL"),
    (lit(True), "TRUE"),
    (lit(2.5), "CAST(2.5 AS DOUBLE)"),
    (lit("it's"), "'it''s'"),
])
def test_expression_sql(expr, sql):
    if sql is not None:
        assert expr.sql == sql


def test_string_operand_is_an_expression():
    assert (col("a") == "b").sql == "(`a` = `b`)"


@pytest.mark.parametrize("text, sqls", [
    ("a + 1, b, c", ["(`a` + 1)", "`b`", "`c`"]),
    ("word, count(1)", ["`word`", "COUNT(1)"]),
    ("user_id.count.distinct as uv", ["COUNT(DISTINCT `user_id`) AS `uv`"]),
    ("COUNT(1) as pv", ["COUNT(1) AS `pv`"]),
    ("a.sum, b.max as m", ["SUM(`a`)", "MAX(`b`) AS `m`"]),
    ("name.upperCase(), name.charLength", ["UPPER(`name`)", "CHAR_LENGTH(`name`)"]),
    ("a === 'x' && !b.isNull", ["((`a` = 'x') AND (NOT (`b` IS NULL)))"]),
    ("a == 1 || a != 2", ["((`a` = 1) OR (`a` <> 2))"]),
    ("1.hours", ["INTERVAL '1' HOUR"]),
    ("a * (b + 2) % 3", ["MOD((`a` * (`b` + 2)), 3)"]),
    ("-a", ["(- `a`)"]),
    ("*", ["*"]),
    ("a as (x, y)", ["`a` AS (`x`, `y`)"]),
    ("true, null, 1.5, 10L", ["TRUE", "NULL", "1.5", "CAST(10 AS BIGINT)"]),
])
def test_string_expressions(text, sqls):
    assert [e.sql for e in parse_list(text)] == sqls


def test_window_property_markers():
    (e,) = parse_list("w.start as startTime")
    assert "W:w:start" in e.sql and e._name == "startTime"
    (o,) = parse_list("a.sum over w")
    assert o.sql.startswith("SUM(`a`) OVER")


@pytest.mark.parametrize("bad", ["a +", "a b", "count(", "'open"])
def test_bad_string_expressions(bad):
    with pytest.raises(ExpressionParseError) as e:
        parse_list(bad)
    assert repr(bad) in str(e.value) or "expected" in str(e.value) or "unexpected" in str(e.value)


def test_unbounded_constant():
    assert UNBOUNDED_RANGE.sql == "UNBOUNDED_RANGE"
