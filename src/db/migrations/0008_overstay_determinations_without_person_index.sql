-- The person index on overstay_determinations served only the batch's catch-up, which deleted a
-- recomputed person's staged rows by person. Building it took half of the batch's index phase at
-- 10M admissions (docs/benchmarks.md), and every incremental upsert maintained it. The catch-up
-- now deletes by admission instead: a recomputed person's rows replace those of their admissions,
-- an admission that moved to another person is replaced when that person (whom the move also
-- refreshes) is recomputed, and an admission deleted during a batch is recorded by id below.
DROP INDEX IF EXISTS overstay_determinations_person_idx;

ALTER TABLE overstay_batch_dirty ADD COLUMN deleted_admission_id bigint;

CREATE OR REPLACE FUNCTION overstay_determinations_follow_admission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM overstay_determinations WHERE admission_id = OLD.id;
  IF OLD.person_id IS NOT NULL AND to_regclass('overstay_determinations_next') IS NOT NULL THEN
    INSERT INTO overstay_batch_dirty (person_id, deleted_admission_id) VALUES (OLD.person_id, OLD.id);
  END IF;
  RETURN OLD;
END $$;
