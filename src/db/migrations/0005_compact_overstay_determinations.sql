-- Overstay determinations store keys, not prose. The person page computes its determinations
-- (with their reasons) live from the facts with the pure rules, and the report only counts rows,
-- so the reason text and details JSON were written ten million times a day and never read.
-- Each row still names the admission (admission_id), the departure used, the applications that
-- set or hold open the end of the authorized stay, the rule, and the data errors found.
ALTER TABLE overstay_determinations
  ADD COLUMN departure_record_pk bigint,
  ADD COLUMN application_record_pks bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN data_error_rules text[] NOT NULL DEFAULT '{}';

UPDATE overstay_determinations SET
  departure_record_pk = (details -> 'departure' ->> 'recordPk')::bigint,
  application_record_pks = ARRAY(
    SELECT (x ->> 'recordPk')::bigint FROM jsonb_array_elements(details -> 'applications') x),
  data_error_rules = ARRAY(SELECT x ->> 'rule' FROM jsonb_array_elements(details -> 'dataErrors') x)
WHERE details <> '{}';

ALTER TABLE overstay_determinations DROP COLUMN reason, DROP COLUMN details;

-- No query reads the table by (fiscal_year, outcome): the report groups the whole table by four
-- columns (a sequential scan). The index only cost every write, and its build every batch.
DROP INDEX overstay_determinations_report_idx;

-- People whose determinations the incremental path rewrote while a batch recompute was running
-- (overstay-swap.store.ts): the batch recomputes them before it swaps its table in.
CREATE TABLE overstay_batch_dirty (
  seq bigserial PRIMARY KEY,
  person_id bigint NOT NULL
);

-- A batch recompute builds a fresh table and swaps it in (overstay-swap.store.ts), so the table
-- carries no foreign keys: adding them to the swapped-in table, or dropping them with the old
-- one, would lock admissions and people in the swap and could deadlock with a transaction that
-- reads them before writing determinations. Every row is derived from an existing admission (the
-- batch from its snapshot, the incremental path in the same transaction as the facts); the app
-- never deletes admissions or people. Should an admission be deleted all the same, this trigger
-- takes its determination with it, and during a batch marks its person for the swap to redo.
ALTER TABLE overstay_determinations DROP CONSTRAINT overstay_determinations_admission_id_fkey;
ALTER TABLE overstay_determinations DROP CONSTRAINT overstay_determinations_person_id_fkey;

CREATE FUNCTION overstay_determinations_follow_admission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM overstay_determinations WHERE admission_id = OLD.id;
  IF OLD.person_id IS NOT NULL AND to_regclass('overstay_determinations_next') IS NOT NULL THEN
    INSERT INTO overstay_batch_dirty (person_id) VALUES (OLD.person_id);
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER admissions_delete_overstay AFTER DELETE ON admissions
  FOR EACH ROW EXECUTE FUNCTION overstay_determinations_follow_admission();
