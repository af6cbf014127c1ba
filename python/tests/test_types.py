"""DataTypes render as Flink's type strings and parse back; Row behaves as PyFlink's."""
import pickle

import pytest

from spry.common import Row, RowKind
from spry.table.types import DataTypes, parse_type


@pytest.mark.parametrize("dtype, text", [
    (DataTypes.INT(), "INT"),
    (DataTypes.BIGINT(False), "BIGINT NOT NULL"),
    (DataTypes.STRING(), "STRING"),
    (DataTypes.VARCHAR(10), "VARCHAR(10)"),
    (DataTypes.BYTES(), "BYTES"),
    (DataTypes.DECIMAL(10, 2), "DECIMAL(10, 2)"),
    (DataTypes.TIMESTAMP(3), "TIMESTAMP(3)"),
    (DataTypes.TIMESTAMP_LTZ(3), "TIMESTAMP_LTZ(3)"),
    (DataTypes.ARRAY(DataTypes.INT()), "ARRAY<INT>"),
    (DataTypes.MAP(DataTypes.STRING(), DataTypes.BIGINT()), "MAP<STRING, BIGINT>"),
    (DataTypes.ROW([DataTypes.FIELD("a", DataTypes.INT()), DataTypes.FIELD("b", DataTypes.STRING())]),
     "ROW<`a` INT, `b` STRING>"),
    (DataTypes.STRING().not_null(), "STRING NOT NULL"),
])
def test_type_strings_round_trip(dtype, text):
    assert str(dtype) == text
    assert parse_type(text) == dtype


def test_parse_engine_types():
    t = parse_type("TIMESTAMP(3) NOT NULL *ROWTIME*")
    assert t.type_name == "TIMESTAMP" and not t._nullable and t._time_attr == "ROWTIME"
    assert str(parse_type("ROW<`x` ARRAY<MAP<STRING, INT>>>")) == "ROW<`x` ARRAY<MAP<STRING, INT>>>"
    assert str(parse_type("TIMESTAMP(6) WITH LOCAL TIME ZONE")) == "TIMESTAMP_LTZ(6)"


def test_row_named_and_positional():
    r = Row(word="flink", cnt=2)
    assert r.word == "flink" and r["cnt"] == 2 and r[0] == "flink"
    assert r.as_dict() == {"word": "flink", "cnt": 2}
    assert repr(r) == "Row(word='flink', cnt=2)"
    assert repr(Row(1, "a")) == "<Row(1, 'a')>"
    assert list(Row(1, 2)) == [1, 2] and len(Row(1, 2)) == 2


def test_row_equality_includes_kind():
    a, b = Row(1, "a"), Row(1, "a")
    assert a == b
    b.set_row_kind(RowKind.DELETE)
    assert a != b
    assert b.get_row_kind().short_string() == "-D"


def test_row_factory_and_pickle():
    Person = Row("name", "age")
    p = Person("Alice", 11)
    assert p.name == "Alice" and p.age == 11
    q = pickle.loads(pickle.dumps(p))
    assert q == p and q.as_dict() == {"name": "Alice", "age": 11}


def test_row_nested_as_dict():
    r = Row(a=1, b=Row(c=2))
    assert r.as_dict(recursive=True) == {"a": 1, "b": {"c": 2}}


def test_named_row_equals_positional_row():
    named = Row(a=1, b="x")
    assert named == Row(1, "x")
    assert named != Row(b=1, a="x")
