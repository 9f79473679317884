-- A metric filter (key = ? AND is_nan = 0 AND value < ?) is answered from this index alone: with is_nan beside the
-- value, the range is one seek and no row of the table is read to check NaN (a third of a filtered search's time).
DROP INDEX latest_metrics_by_key;
CREATE INDEX latest_metrics_by_key ON latest_metrics (key, is_nan, value);
