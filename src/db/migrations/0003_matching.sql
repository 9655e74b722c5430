-- Entity resolution in the application: the trained match models, merges and splits of people as
-- reversible events, and review decisions that feed the model. Runs on PGlite and PostgreSQL 15+.

-- Fellegi–Sunter models (m, u, weights per comparison level) as plain JSON. One is active; older
-- ones stay so every link's evidence can be traced to the model that scored it.
CREATE TABLE match_models (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('synthetic', 'em', 'refined')),
  model jsonb NOT NULL,
  -- How many records the model was estimated on, and how many review decisions refined it.
  records integer NOT NULL,
  labels integer NOT NULL DEFAULT 0,
  note text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  active boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX match_models_active_idx ON match_models (active) WHERE active;

-- Merges and splits of people. `moved` lists the source records (and, for a merge, the voluntary
-- departure grants) moved from from_person to to_person; undoing an event is a new event that
-- moves exactly those back.
CREATE TABLE identity_events (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('merge', 'split', 'undo_merge', 'undo_split')),
  from_person_id bigint NOT NULL REFERENCES people (id),
  to_person_id bigint NOT NULL REFERENCES people (id),
  moved jsonb NOT NULL,
  reason text NOT NULL,
  actor text NOT NULL,
  review_id bigint REFERENCES match_reviews (id),
  undoes bigint REFERENCES identity_events (id),
  undone_by bigint REFERENCES identity_events (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX identity_events_from_idx ON identity_events (from_person_id);
CREATE INDEX identity_events_to_idx ON identity_events (to_person_id);

-- Two kinds of review: a record linked to nobody yet (a departure no person matched with
-- confidence), and a record placed on a new person although an existing person may be the same
-- one (file ingest: nothing waits, the reviewer may merge).
ALTER TABLE match_reviews ADD COLUMN kind text NOT NULL DEFAULT 'unlinked'
  CHECK (kind IN ('unlinked', 'possible_match'));
ALTER TABLE match_reviews ADD COLUMN record_person_id bigint REFERENCES people (id);
ALTER TABLE match_reviews ADD COLUMN decision_note text;
ALTER TABLE match_reviews ADD COLUMN not_sure_count integer NOT NULL DEFAULT 0;
ALTER TABLE match_reviews DROP CONSTRAINT match_reviews_status_check;
ALTER TABLE match_reviews ADD CONSTRAINT match_reviews_status_check
  CHECK (status IN ('pending', 'linked', 'new_person', 'dismissed', 'merged', 'kept_separate'));

-- Review decisions as labelled comparison vectors: what refines the model.
CREATE TABLE match_labels (
  id bigserial PRIMARY KEY,
  review_id bigint NOT NULL REFERENCES match_reviews (id),
  model_id bigint REFERENCES match_models (id),
  pattern integer NOT NULL,
  is_match boolean NOT NULL,
  decided_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Identifies this database to in-process caches (the match index) that outlive a transaction.
INSERT INTO app_meta (key, value) VALUES ('database_id', jsonb_build_object('id', gen_random_uuid()::text))
  ON CONFLICT (key) DO NOTHING;
