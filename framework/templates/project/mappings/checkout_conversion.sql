-- A ratio metric: orders over checkout visits. Only units with a denominator count.
SELECT unit_id, ds, metric, orders, checkouts
FROM checkout_funnel
