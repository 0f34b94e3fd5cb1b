-- Product events from the app. Wharf filters this to one day (PST) by event_time.
SELECT
  event_id,
  event_time,
  event,
  value,
  properties,
  user_json
FROM app_events
