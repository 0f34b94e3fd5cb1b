-- Pre-computed daily metrics per user. Wharf filters this to one day by ds.
SELECT unit_id, id_type, ds, metric, value
FROM daily_metrics
