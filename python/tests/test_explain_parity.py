"""The same job written in Python and in SQL produces the identical EXPLAIN plan.

A Table API program becomes one SQL query (spry.table._query), so the
engine binds, optimizes and plans it exactly as the SQL a person writes.
"""
import pytest

from spry.table.expressions import col, lit
from spry.table.window import Tumble


@pytest.fixture
def words(stream_env, repo):
    stream_env.execute_sql("CREATE TABLE words (word STRING) WITH ('connector' = 'filesystem', "
                           "'path' = '%s/examples/data/words.csv', 'format' = 'csv')" % repo)
    return stream_env


def test_word_count_new_api(words):
    py = words.from_path("words").group_by(col("word")).select(col("word"), lit(1).count.alias("cnt"))
    sql = words.explain_sql("SELECT word, COUNT(1) AS cnt FROM words GROUP BY word")
    assert py.explain() == sql


def test_word_count_19_strings(words):
    py = words.scan("words").group_by("word").select("word, count(1)")
    # The Table API names unnamed aggregates EXPR$0, EXPR$1, ... (SQL by position).
    assert py.get_schema().get_field_names() == ["word", "EXPR$0"]
    sql = words.explain_sql("SELECT word, COUNT(1) AS EXPR$0 FROM words GROUP BY word")
    assert py.explain() == sql


def test_filter_project(words):
    py = words.from_path("words").filter(col("word").like(lit("A%"))).select(col("word").upper_case.alias("u"))
    sql = words.explain_sql("SELECT UPPER(word) AS u FROM words WHERE word LIKE 'A%'")
    assert py.explain() == sql


def test_insert_into_sink(words, tmp_path):
    words.execute_sql("CREATE TABLE out_t (word STRING, cnt BIGINT) WITH ('connector' = 'print')")
    ss = words.create_statement_set()
    ss.add_insert("out_t", words.from_path("words").group_by("word").select("word, count(1) as cnt"))
    sql = words.explain_sql("INSERT INTO out_t SELECT word, COUNT(1) AS cnt FROM words GROUP BY word")
    assert ss.explain() == sql


def test_pvuv_group_window(stream_env, tmp_path):
    stream_env.execute_sql("""CREATE TABLE user_behavior (
  user_id BIGINT, item_id BIGINT, category_id BIGINT, behavior STRING, ts STRING,
  rowtime AS TO_TIMESTAMP(ts, 'yyyy-MM-dd''T''HH:mm:ss''Z'''),
  WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = '%s', 'format' = 'json')""" % (tmp_path / "ub.json"))
    py = stream_env.from_path("user_behavior") \
        .window(Tumble.over("1.hours").on("rowtime").alias("w")) \
        .group_by("w") \
        .select("w.start as window_start, w.end as window_end, COUNT(1) as pv, user_id.count.distinct as uv")
    sql = stream_env.explain_sql("""SELECT TUMBLE_START(rowtime, INTERVAL '1' HOUR) AS window_start,
       TUMBLE_END(rowtime, INTERVAL '1' HOUR) AS window_end,
       COUNT(1) AS pv, COUNT(DISTINCT user_id) AS uv
FROM user_behavior
GROUP BY TUMBLE(rowtime, INTERVAL '1' HOUR)""")
    assert py.explain() == sql
    assert "GroupWindowAggregate" in sql


def test_order_limit_then_project(stream_env):
    stream_env.get_config().set("execution.runtime-mode", "batch")
    stream_env.execute_sql("CREATE TABLE nums (a INT, b STRING) WITH ('connector' = 'datagen', "
                           "'number-of-rows' = '10')")
    py = stream_env.from_path("nums").order_by(col("a").desc).limit(3).select(col("b"))
    sql = stream_env.explain_sql("SELECT b FROM nums ORDER BY a DESC LIMIT 3")
    assert py.explain() == sql
