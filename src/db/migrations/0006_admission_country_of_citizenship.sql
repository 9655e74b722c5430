-- The overstay report tabulates each admission by the country of citizenship recorded at that
-- admission (the DHS Entry/Exit Overstay Report counts I-94 admissions by the citizenship on the
-- I-94), not by the most common country across all of the person's records. Kept on the
-- admission itself, so determining an overstay reads no identity rows: grouping ~19M
-- record_identities rows by person and country every batch was 30 s of one core at 10M
-- admissions, the largest single step of the batch (docs/benchmarks.md).
ALTER TABLE admissions ADD COLUMN country_of_citizenship text;

-- From the admission's own identity row (the same source record's current version).
UPDATE admissions a SET country_of_citizenship = ri.country_of_citizenship
FROM record_identities ri
WHERE ri.source_record_pk = a.source_record_pk AND ri.country_of_citizenship IS NOT NULL;

-- Stored determinations follow, so the report agrees with the rule before the next recompute.
UPDATE overstay_determinations o SET country_of_citizenship = a.country_of_citizenship
FROM admissions a
WHERE a.id = o.admission_id AND o.country_of_citizenship IS DISTINCT FROM a.country_of_citizenship;
