-- metrics rows older than retention.metrics, at most :#TaskLimit per run (index
-- metrics_recorded_at). A derived table, evaluated once on every database.
DELETE FROM metrics
 WHERE id IN (SELECT id FROM (SELECT id FROM metrics WHERE recorded_at < :#TaskCutoff
                               ORDER BY recorded_at LIMIT :#TaskLimit) AS batch)
