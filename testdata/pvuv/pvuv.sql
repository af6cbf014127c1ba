-- The seed's PV/UV case: hourly page views and unique visitors over a
-- JSON-lines file of user behaviour events, out of order within 1 second.
-- table/pvuv_test.go generates the file, substitutes ${PATH} and checks
-- both queries against an independent computation in Go.

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
  'path' = '${PATH}',
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
