-- The `bid` table for the in-process comparison with Apache Flink
-- (bench/flink/): Flink's own 'datagen' connector in place of the nexmark
-- generator and the bid view, so the stateless queries q0, q1, q2, q14,
-- q21 and q22 run unchanged on both engines with no Kafka and no
-- nexmark-flink jar. The columns are the bid view's; the values are
-- random (not nexmark's distribution: URLs and channels are random
-- strings, so q21's REGEXP_EXTRACT finds no channel_id and q22's
-- SPLIT_INDEX no '/'), which is the same work for both engines. Every
-- option here is one both engines accept with Flink's meaning.
-- ${EVENTS_NUM} is the number of rows (all bids); the rate is far above
-- what either engine reaches, so the job is never throttled.
CREATE TABLE bid (
    auction  BIGINT,
    bidder  BIGINT,
    price  BIGINT,
    channel  VARCHAR,
    url  VARCHAR,
    dateTime  TIMESTAMP(3),
    extra  VARCHAR,
    WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH (
    'connector' = 'datagen',
    'number-of-rows' = '${EVENTS_NUM}',
    'rows-per-second' = '1000000000',
    'fields.auction.min' = '1000',
    'fields.auction.max' = '1000000',
    'fields.bidder.min' = '1000',
    'fields.bidder.max' = '1000000',
    'fields.price.min' = '100',
    'fields.price.max' = '100000000',
    'fields.channel.length' = '8',
    'fields.url.length' = '80',
    'fields.extra.length' = '50'
);
