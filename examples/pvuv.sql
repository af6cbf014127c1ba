-- The seed's PV/UV case: hourly page views and unique visitors over a
-- JSON-lines file of user behaviour events, out of order within 1 second.
-- Generate the input first: python3 examples/pvuv_gen.py
-- Then: bin/spry sql -f examples/pvuv.sql (table/pvuv_test.go checks the
-- same queries against an independent computation in Go).

SET 'sql-client.execution.result-mode' = 'tableau';

CREATE TABLE user_behavior (
  user_id BIGINT,
  item_id BIGINT,
  category_id BIGINT,
  behavior STRING,
  ts STRING,
  rowtime AS TO_TIMESTAMP(ts, 'yyyy-MM-dd''T''HH:mm:ss''Z'''),
  WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '/tmp/spry-pvuv/user_behavior.json',
  'format' = 'json'
);

-- Window table-valued function (Flink >= 1.13).
SELECT window_start, window_end, COUNT(*) AS pv, COUNT(DISTINCT user_id) AS uv
FROM TABLE(TUMBLE(TABLE user_behavior, DESCRIPTOR(rowtime), INTERVAL '1' HOUR))
GROUP BY window_start, window_end;

-- Legacy group window.
SELECT TUMBLE_START(rowtime, INTERVAL '1' HOUR) AS window_start,
       TUMBLE_END(rowtime, INTERVAL '1' HOUR) AS window_end,
       COUNT(*) AS pv, COUNT(DISTINCT user_id) AS uv
FROM user_behavior
GROUP BY TUMBLE(rowtime, INTERVAL '1' HOUR);
