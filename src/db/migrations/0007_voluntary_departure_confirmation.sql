-- A voluntary departure grant records which departure complied with it, and now whether that
-- departure is only self-reported. As for overstays (overstay.rules.ts), a carrier-confirmed
-- departure outweighs a self-reported one: the grant shows the earliest confirmed departure within
-- its dates, else the earliest self-reported one, marked unconfirmed until an exit record arrives.
ALTER TABLE voluntary_departures ADD COLUMN complied_self_reported boolean;

-- Grants already complied with: the departure each should show under that rule.
UPDATE voluntary_departures v
SET complied_on = best.departed_on, departure_record_pk = best.source_record_pk,
    complied_self_reported = best.self_reported
FROM (
  SELECT DISTINCT ON (g.id) g.id, d.departed_on, d.source_record_pk, d.self_reported
  FROM voluntary_departures g
  JOIN departures d ON d.person_id = g.person_id AND d.departed_on BETWEEN g.granted_on AND g.depart_by
  WHERE g.complied_on IS NOT NULL
  ORDER BY g.id, d.self_reported, d.departed_on, d.id
) AS best
WHERE v.id = best.id;

-- A complied grant whose departure is no longer the person's (moved by a split): keep what it
-- recorded, flagged from that departure record.
UPDATE voluntary_departures v
SET complied_self_reported = coalesce(
  (SELECT d.self_reported FROM departures d WHERE d.source_record_pk = v.departure_record_pk LIMIT 1), false)
WHERE v.complied_on IS NOT NULL AND v.complied_self_reported IS NULL;

-- Complied with, or not yet: the flag is set exactly when complied_on is.
ALTER TABLE voluntary_departures ADD CONSTRAINT voluntary_departures_complied_flag
  CHECK ((complied_on IS NULL) = (complied_self_reported IS NULL));
