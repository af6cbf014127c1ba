"""The Table API on the engine: each operation composes SQL that runs as Flink's would."""
import pandas as pd
import pytest

from spry.common import Row, RowKind
from spry.table import DataTypes, ResultKind
from spry.table.expressions import col, lit, call
from spry.table.window import Over, Slide, Tumble, Session
from spry.table.expressions import UNBOUNDED_RANGE


def rows(table):
    """The final rows of a table as sorted tuples."""
    with table.execute().collect() as it:
        out = []
        for r in it:
            if r.get_row_kind() in (RowKind.INSERT, RowKind.UPDATE_AFTER):
                out.append(tuple(r))
            else:
                out.remove(tuple(r))
        return sorted(out, key=repr)


@pytest.fixture
def abc(batch_env):
    return batch_env.from_elements([(1, 'hi', 'hello'), (2, 'hi', 'hello'), (3, 'yo', 'x')], ['a', 'b', 'c'])


def test_from_elements_schema(batch_env):
    t = batch_env.from_elements([(1, 'hi')], DataTypes.ROW([DataTypes.FIELD("a", DataTypes.INT()),
                                                          DataTypes.FIELD("b", DataTypes.STRING())]))
    assert t.get_schema().get_field_names() == ["a", "b"]
    assert [str(x) for x in t.get_schema().get_field_data_types()] == ["INT", "STRING"]
    t2 = batch_env.from_elements([(1, 'x', 2.5, True)])
    assert t2.get_schema().get_field_names() == ["_1", "_2", "_3", "_4"]
    assert [str(x) for x in t2.get_schema().get_field_data_types()] == ["BIGINT", "STRING", "DOUBLE", "BOOLEAN"]


def test_select_string_and_expression_forms(abc):
    assert rows(abc.select("a + 1, b, c")) == [(2, 'hi', 'hello'), (3, 'hi', 'hello'), (4, 'yo', 'x')]
    t = abc.select((col('a') + 1).alias('a1'), col('b').upper_case)
    assert t.get_schema().get_field_names() == ["a1", "_c1"]
    assert rows(t) == [(2, 'HI'), (3, 'HI'), (4, 'YO')]
    assert rows(abc.select(abc.a, abc.b)) == [(1, 'hi'), (2, 'hi'), (3, 'yo')]


def test_filter_where(abc):
    assert rows(abc.filter(col('a') > 1).where("b === 'hi'").select('a')) == [(2,)]


def test_group_by_select(abc):
    assert rows(abc.group_by('b').select('b, count(1) as cnt, a.sum as s')) == [('hi', 2, 3), ('yo', 1, 3)]
    assert rows(abc.group_by(col('b')).select(col('b'), col('c').count.distinct.alias('d'))) == \
        [('hi', 1), ('yo', 1)]
    assert rows(abc.select(col('a').max.alias('m'))) == [(3,)]


def test_distinct(abc):
    assert rows(abc.select('b').distinct()) == [('hi',), ('yo',)]


def test_joins(batch_env, abc):
    u = batch_env.from_elements([(1, 'one'), (3, 'three'), (4, 'four')], ['k', 'name'])
    assert rows(abc.join(u, col('a') == col('k')).select('a, name')) == [(1, 'one'), (3, 'three')]
    assert rows(abc.join(u).where('a = k').select('a, name')) == [(1, 'one'), (3, 'three')]
    assert rows(abc.left_outer_join(u, col('a') == col('k')).select('a, name')) == \
        [(1, 'one'), (2, None), (3, 'three')]
    assert rows(abc.right_outer_join(u, col('a') == col('k')).select('k, a')) == [(1, 1), (3, 3), (4, None)]
    assert rows(abc.full_outer_join(u, col('a') == col('k')).select('a, k')) == \
        [(1, 1), (2, None), (3, 3), (None, 4)]


def test_set_operations(batch_env, abc):
    other = batch_env.from_elements([(1, 'hi', 'hello'), (9, 'z', 'z')], ['a', 'b', 'c'])
    assert len(rows(abc.union_all(other))) == 5
    assert len(rows(abc.union(other))) == 4
    assert rows(abc.minus(other).select('a')) == [(2,), (3,)]
    assert rows(abc.intersect(other).select('a')) == [(1,)]


def test_order_limit_offset_fetch(abc):
    with abc.order_by(col('a').desc).limit(2).execute().collect() as it:
        assert [r[0] for r in it] == [3, 2]
    with abc.order_by('a').offset(1).fetch(1).execute().collect() as it:
        assert [r[0] for r in it] == [2]


def test_column_operations(abc):
    t = abc.add_columns((col('a') * 10).alias('a10'))
    assert t.get_schema().get_field_names() == ['a', 'b', 'c', 'a10']
    t = t.add_or_replace_columns(lit('x').alias('b'))
    assert rows(t.select('b').distinct()) == [('x',)]
    t = abc.drop_columns(col('c')).rename_columns(col('b').alias('bb'))
    assert t.get_schema().get_field_names() == ['a', 'bb']
    assert abc.alias('x', 'y', 'z').get_schema().get_field_names() == ['x', 'y', 'z']


def test_to_pandas_and_from_pandas(batch_env, abc):
    df = abc.to_pandas()
    assert list(df.columns) == ['a', 'b', 'c'] and sorted(df['a'].tolist()) == [1, 2, 3]
    pdf = pd.DataFrame({'x': [1, 2, 3], 'y': ['p', 'q', 'r']})
    t = batch_env.from_pandas(pdf)
    assert rows(t.filter(col('x') > 1)) == [(2, 'q'), (3, 'r')]
    t = batch_env.from_pandas(pdf, DataTypes.ROW([DataTypes.FIELD('x', DataTypes.INT()),
                                                  DataTypes.FIELD('y', DataTypes.STRING())]))
    assert str(t.get_schema().get_field_data_types()[0]) == 'INT'
    t = batch_env.from_pandas(pdf, ['n', 's'])
    assert t.get_schema().get_field_names() == ['n', 's']


def test_to_pandas_applies_changelog(stream_env):
    t = stream_env.from_elements([('a',), ('b',), ('a',)], ['w'])
    df = t.group_by('w').select('w, count(1) as c').to_pandas()
    assert sorted(map(tuple, df.values.tolist())) == [('a', 2), ('b', 1)]


def test_streaming_collect_has_row_kinds(stream_env):
    t = stream_env.from_elements([('a',), ('a',)], ['w'])
    with t.group_by('w').select('w, count(1) as c').execute().collect() as it:
        got = [(r.get_row_kind(), tuple(r)) for r in it]
    assert got == [(RowKind.INSERT, ('a', 1)), (RowKind.UPDATE_BEFORE, ('a', 1)), (RowKind.UPDATE_AFTER, ('a', 2))]


def test_collect_rows_have_names(abc):
    with abc.execute().collect() as it:
        r = next(iter(it))
    assert isinstance(r, Row) and set(r.as_dict()) == {'a', 'b', 'c'}


def test_print_streaming_tableau(stream_env, capsys):
    t = stream_env.from_elements([('Apache Flink',), ('cool',), ('Apache Flink',)], ['word'])
    t.group_by('word').select('word, count(1) as cnt').execute().print()
    out = capsys.readouterr().out
    assert out == (
        "+----+--------------------------------+----------------------+\n"
        "| op |                           word |                  cnt |\n"
        "+----+--------------------------------+----------------------+\n"
        "| +I |                   Apache Flink |                    1 |\n"
        "| +I |                           cool |                    1 |\n"
        "| -U |                   Apache Flink |                    1 |\n"
        "| +U |                   Apache Flink |                    2 |\n"
        "+----+--------------------------------+----------------------+\n"
        "Received a total of 4 rows\n")


def test_print_batch_tableau(batch_env, capsys):
    batch_env.from_elements([(1, 'hi', 2.5)], ['a', 'b', 'd']).execute().print()
    assert capsys.readouterr().out == (
        "+---+----+-----+\n"
        "| a |  b |   d |\n"
        "+---+----+-----+\n"
        "| 1 | hi | 2.5 |\n"
        "+---+----+-----+\n"
        "1 row in set\n")


def test_print_matches_spry_sql(batch_env, spry_binary, capsys):
    import subprocess
    q = "SELECT a, CAST(a AS DOUBLE) / 3 AS d, TIMESTAMP '2020-01-01 10:00:00.123' AS ts, " \
        "CAST(NULL AS STRING) AS n FROM (VALUES (1), (2)) AS t(a)"
    batch_env.execute_sql(q).print()
    ours = capsys.readouterr().out
    cli = subprocess.run([spry_binary, "sql", "--mode", "batch", "-e", q], capture_output=True, text=True)
    assert ours.strip() in cli.stdout


def test_table_result_kinds(batch_env):
    r = batch_env.execute_sql("CREATE TEMPORARY VIEW v AS SELECT 1 AS x")
    assert r.get_result_kind() == ResultKind.SUCCESS
    assert r.get_job_client() is None
    assert r.get_table_schema().get_field_names() == ['result']
    r = batch_env.execute_sql("SELECT * FROM v")
    assert r.get_result_kind() == ResultKind.SUCCESS_WITH_CONTENT
    assert r.get_table_schema().get_field_names() == ['x']
    assert len(str(r.get_job_client().get_job_id())) == 32
    r.wait()
    with r.collect() as it:
        assert [tuple(x) for x in it] == [(1,)]


def test_execute_insert_and_statement_set(batch_env, tmp_path):
    src = batch_env.from_elements([(1, 'a'), (2, 'b')], ['x', 'y'])
    for name in ("s1", "s2"):
        batch_env.execute_sql("CREATE TABLE %s (x BIGINT, y STRING) WITH ('connector' = 'filesystem', "
                              "'path' = '%s', 'format' = 'csv')" % (name, tmp_path / name))
    src.execute_insert('s1').wait()
    assert rows(batch_env.from_path('s1')) == [(1, 'a'), (2, 'b')]
    ss = batch_env.create_statement_set()
    ss.add_insert('s2', src.filter('x > 1'))
    ss.add_insert_sql("INSERT INTO s2 SELECT x, y FROM s1 WHERE x = 1")
    assert 'Sink' in ss.explain() or 'sink' in ss.explain().lower()
    ss.execute().wait()
    assert rows(batch_env.from_path('s2')) == [(1, 'a'), (2, 'b')]


def test_table_descriptor(batch_env, tmp_path):
    from spry.table import Schema, TableDescriptor
    d = TableDescriptor.for_connector('filesystem') \
        .schema(Schema.new_builder().column('x', DataTypes.BIGINT()).column('y', DataTypes.STRING()).build()) \
        .option('path', str(tmp_path / 'd')).format('csv').build()
    batch_env.create_temporary_table('d', d)
    batch_env.from_elements([(5, 'e')], ['x', 'y']).execute_insert('d').wait()
    assert rows(batch_env.from_path('d')) == [(5, 'e')]
    batch_env.create_table('d2', d)
    assert 'd2' in batch_env.list_tables()


def test_catalog_listings_and_config(batch_env):
    batch_env.create_temporary_view('vv', batch_env.from_elements([(1,)], ['a']))
    assert 'vv' in batch_env.list_views() and 'vv' in batch_env.list_tables()
    assert batch_env.list_catalogs() == ['default_catalog']
    assert 'default_database' in batch_env.list_databases()
    assert batch_env.get_current_catalog() == 'default_catalog'
    assert 'upper' in batch_env.list_functions()
    batch_env.use_catalog('default_catalog')
    batch_env.use_database('default_database')
    cfg = batch_env.get_config()
    cfg.set('table.exec.mini-batch.enabled', 'true')
    assert cfg.get('table.exec.mini-batch.enabled') == 'true'
    assert cfg.get_configuration().get_string('execution.runtime-mode') == 'batch'
    cfg.get_configuration().set_string('parallelism.default', '2')
    assert cfg.get('parallelism.default') == '2'


def test_python_dependency_keys(batch_env, tmp_path):
    import os
    import sys
    if not os.environ.get("SPRY_PYTHON"):
        assert batch_env.get_config().get('python.executable') == sys.executable
    batch_env.add_python_file(str(tmp_path / 'a.py'))
    batch_env.add_python_file(str(tmp_path / 'b'))
    assert batch_env.get_config().get('python.files') == '%s,%s' % (tmp_path / 'a.py', tmp_path / 'b')
    batch_env.add_python_archive('env.zip', 'venv')
    assert batch_env.get_config().get('python.archives') == 'env.zip#venv'
    batch_env.set_python_requirements('req.txt', 'cache')
    assert batch_env.get_config().get('python.requirements') == 'req.txt#cache'


def test_sql_errors_surface(batch_env):
    from spry.errors import SpryError
    with pytest.raises(SpryError) as e:
        batch_env.sql_query("SELECT nope FROM (VALUES (1)) AS t(a)").execute()
    assert 'nope' in str(e.value)


def test_explain(abc):
    plan = abc.filter('a > 1').explain()
    assert plan.startswith('== Abstract Syntax Tree ==') and 'Calc' in plan


def test_repr_html(abc):
    html = abc._repr_html_()
    assert html.startswith('<table') and '<th>a</th>' in html and '<td>hello</td>' in html


def test_table_result_repr_html(stream_env):
    html = stream_env.from_elements([('x',)], ['w']).execute()._repr_html_()
    assert '<th>op</th>' in html and '<td>+I</td>' in html


def _events(env, tmp_path):
    path = tmp_path / "ev.csv"
    path.write_text("1,a,2020-01-01 00:00:01\n2,a,2020-01-01 00:00:30\n3,b,2020-01-01 00:01:10\n"
                    "4,a,2020-01-01 00:01:20\n")
    env.execute_sql("CREATE TABLE ev (v BIGINT, k STRING, ts TIMESTAMP(3), "
                    "WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', "
                    "'path' = '%s', 'format' = 'csv')" % path)
    return env.from_path("ev")


@pytest.mark.parametrize("window, expected", [
    (Tumble.over(lit(1).minutes).on(col('ts')).alias('w'),
     [('a', '2020-01-01 00:00:00', 3), ('a', '2020-01-01 00:01:00', 4), ('b', '2020-01-01 00:01:00', 3)]),
    (Tumble.over("1.minutes").on("ts").alias("w"),
     [('a', '2020-01-01 00:00:00', 3), ('a', '2020-01-01 00:01:00', 4), ('b', '2020-01-01 00:01:00', 3)]),
    (Session.with_gap(lit(45).seconds).on(col('ts')).alias('w'),
     [('a', '2020-01-01 00:00:01', 3), ('a', '2020-01-01 00:01:20', 4), ('b', '2020-01-01 00:01:10', 3)]),
])
def test_group_windows(stream_env, tmp_path, window, expected):
    t = _events(stream_env, tmp_path)
    res = t.window(window).group_by('w, k').select("k, w.start as s, v.sum as total")
    got = sorted((k, str(s), total) for k, s, total in rows(res))
    assert got == expected


def test_slide_window(stream_env, tmp_path):
    t = _events(stream_env, tmp_path)
    res = t.window(Slide.over(lit(2).minutes).every(lit(1).minutes).on(col('ts')).alias('w')) \
        .group_by(col('w')).select(col('w').end.alias('e'), col('v').sum.alias('s'))
    got = sorted((str(e), s) for e, s in rows(res))
    assert got == [('2020-01-01 00:01:00', 3), ('2020-01-01 00:02:00', 10), ('2020-01-01 00:03:00', 7)]


def test_over_window(stream_env, tmp_path):
    t = _events(stream_env, tmp_path)
    res = t.over_window(Over.partition_by(col('k')).order_by(col('ts')).preceding(UNBOUNDED_RANGE).alias('w')) \
        .select(col('v'), col('v').sum.over(col('w')).alias('run'))
    assert rows(res) == [(1, 1), (2, 3), (3, 3), (4, 7)]
    from spry.table.expressions import row_interval, CURRENT_ROW
    res3 = t.over_window(Over.partition_by(col('k')).order_by(col('ts')).preceding(row_interval(1))
                         .following(CURRENT_ROW).alias('w')).select(col('v'), col('v').sum.over(col('w')).alias('r'))
    assert rows(res3) == [(1, 1), (2, 3), (3, 3), (4, 6)]
    res2 = t.over_window(Over.partition_by('k').order_by('ts').preceding('UNBOUNDED_RANGE').alias('w')) \
        .select("v, v.sum over w as run")
    assert rows(res2) == [(1, 1), (2, 3), (3, 3), (4, 7)]


def test_sql_query_and_register_table(batch_env, abc):
    batch_env.register_table('abc', abc)
    t = batch_env.sql_query("SELECT b, SUM(a) AS s FROM abc GROUP BY b")
    assert rows(t.filter(col('s') > 3)) == []
    assert rows(batch_env.scan('abc').select('a').filter('a < 2')) == [(1,)]


def test_call_builtin(abc):
    assert rows(abc.select(call('upper', col('c')).alias('u')).distinct()) == [('HELLO',), ('X',)]


def test_rich_types_round_trip(batch_env, spry_binary, capsys):
    import datetime
    import decimal
    import subprocess
    t = batch_env.from_elements(
        [(1, decimal.Decimal('1.50'), datetime.date(2020, 1, 2), datetime.datetime(2020, 1, 2, 3, 4, 5, 123000),
          [1, 2], {'k': 1}, Row(x=1, y='a'), b'ab', True)],
        DataTypes.ROW([DataTypes.FIELD('i', DataTypes.INT()), DataTypes.FIELD('d', DataTypes.DECIMAL(10, 2)),
                       DataTypes.FIELD('dt', DataTypes.DATE()), DataTypes.FIELD('ts', DataTypes.TIMESTAMP(3)),
                       DataTypes.FIELD('arr', DataTypes.ARRAY(DataTypes.INT())),
                       DataTypes.FIELD('m', DataTypes.MAP(DataTypes.STRING(), DataTypes.INT())),
                       DataTypes.FIELD('r', DataTypes.ROW([DataTypes.FIELD('x', DataTypes.INT()),
                                                           DataTypes.FIELD('y', DataTypes.STRING())])),
                       DataTypes.FIELD('bin', DataTypes.BYTES()), DataTypes.FIELD('bo', DataTypes.BOOLEAN())]))
    with t.execute().collect() as it:
        (r,) = list(it)
    assert r.d == decimal.Decimal('1.50') and r.ts == datetime.datetime(2020, 1, 2, 3, 4, 5, 123000)
    assert r.arr == [1, 2] and r.m == {'k': 1} and r.r == Row(x=1, y='a') and r.r.y == 'a' and r.bin == b'ab'
    t.execute().print()
    ours = capsys.readouterr().out
    q = ("SELECT 1 AS i, CAST(1.5 AS DECIMAL(10, 2)) AS d, DATE '2020-01-02' AS dt, "
         "TIMESTAMP '2020-01-02 03:04:05.123' AS ts, ARRAY[1, 2] AS arr, MAP['k', 1] AS m, "
         "CAST(ROW(1, 'a') AS ROW<x INT, y STRING>) AS r, x'6162' AS bin, TRUE AS bo")
    cli = subprocess.run([spry_binary, "sql", "--mode", "batch", "-e", q], capture_output=True, text=True)
    assert ours == cli.stdout, cli.stderr


def test_legacy_sinks_sql_update_and_execute(batch_env, tmp_path):
    from spry.table import CsvTableSink
    batch_env.register_table_sink("out1", ["a", "b"], [DataTypes.BIGINT(), DataTypes.STRING()],
                                  CsvTableSink(["a", "b"], [DataTypes.BIGINT(), DataTypes.STRING()],
                                               str(tmp_path / "o1")))
    batch_env.register_table_sink("out2", CsvTableSink(["a"], [DataTypes.BIGINT()], str(tmp_path / "o2")))
    t = batch_env.from_elements([(1, "x"), (2, "y")], ["a", "b"])
    batch_env.register_table("src", t)
    t.insert_into("out1")
    batch_env.sql_update("INSERT INTO out2 SELECT a * 10 FROM src")
    assert "out2" in batch_env.explain()
    res = batch_env.execute("legacy")
    assert len(str(res.get_job_id())) == 32
    assert rows(batch_env.from_path("out1")) == [(1, "x"), (2, "y")]
    assert rows(batch_env.from_path("out2")) == [(10,), (20,)]
    with pytest.raises(RuntimeError):
        batch_env.execute("nothing pending")


def test_aggregate_then_select(abc):
    assert rows(abc.group_by(col('b')).aggregate(col('a').sum.alias('s')).select(col('b'), col('s'))) == \
        [('hi', 3), ('yo', 3)]
    assert rows(abc.aggregate(col('a').max.alias('m')).select(col('m'))) == [(3,)]
