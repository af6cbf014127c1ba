-- Spry demo: the seed documents' two first jobs, on the embedded runtime.
-- Run with `make demo` (or `bin/spry sql -f examples/demo.sql`).

-- 1. Word count (streaming, the default mode): the changelog of a
--    continuous GROUP BY, with +I / -U / +U rows as Flink prints them.
CREATE TABLE words (
  word STRING
) WITH (
  'connector' = 'filesystem',
  'path' = '/tmp/spry-demo/words.csv',
  'format' = 'csv'
);

SET 'sql-client.execution.result-mode' = 'tableau';

-- One subtask shows the changelog in input order, exactly as Flink prints it.
SET 'parallelism.default' = '1';
SELECT word, COUNT(*) AS cnt FROM words GROUP BY word;

-- With two subtasks the rows of different words may interleave differently;
-- the final state is the same.
SET 'parallelism.default' = '2';
SELECT word, COUNT(*) AS cnt FROM words GROUP BY word;

-- 2. The notebook batch job: a + 1 over inline rows into a CSV file sink.
SET 'execution.runtime-mode' = 'batch';

CREATE TABLE notebook_out (
  a INT,
  b STRING,
  c STRING
) WITH (
  'connector' = 'filesystem',
  'path' = '/tmp/spry-demo/notebook_out',
  'format' = 'csv'
);

INSERT INTO notebook_out
SELECT a + 1, b, c FROM (VALUES (1, 'hi', 'hello'), (2, 'hi', 'hello')) AS t(a, b, c);

-- 3. The same word count in batch mode: final results only.
SELECT word, COUNT(*) AS cnt FROM words GROUP BY word;

-- 4. Event time (streaming): 10-second tumbling windows over clicks that
--    arrive out of order by up to 2 seconds. Each window is emitted once,
--    when the watermark passes its end (here: when the bounded file ends).
SET 'execution.runtime-mode' = 'streaming';
SET 'parallelism.default' = '1';

CREATE TABLE clicks (
  user_name STRING,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '/tmp/spry-demo/clicks.csv',
  'format' = 'csv'
);

SELECT window_start, window_end, COUNT(*) AS pv, COUNT(DISTINCT user_name) AS uv
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
