-- Departures in near real time, the match review queue, voluntary departure grants and overstay
-- determinations. Runs on PGlite (PostgreSQL 18) and PostgreSQL 15+.

-- Per-source API tokens for machine senders (exit manifests). Only the sha256 is stored.
CREATE TABLE source_tokens (
  id bigserial PRIMARY KEY,
  source_id integer NOT NULL REFERENCES source_systems (id),
  token_hash text NOT NULL UNIQUE,
  label text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Idempotency-Key handling: the same key and body return the stored answer; another body, 422.
CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status_code integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

-- Records the linker would not decide alone (no confident person, or conflicting evidence).
-- A record in review is linked to nobody until a person decides.
CREATE TABLE match_reviews (
  id bigserial PRIMARY KEY,
  source_id integer NOT NULL REFERENCES source_systems (id),
  source_record_id text NOT NULL,
  source_record_pk bigint NOT NULL REFERENCES source_records (id),
  reason text NOT NULL,
  candidates jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'linked', 'new_person', 'dismissed')),
  decided_person_id bigint REFERENCES people (id),
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX match_reviews_open_idx ON match_reviews (source_id, source_record_id) WHERE status = 'pending';

-- A minimal voluntary departure grant: departing on or before depart_by is compliance.
CREATE TABLE voluntary_departures (
  id bigserial PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES people (id),
  granted_on date NOT NULL,
  depart_by date NOT NULL CHECK (depart_by >= granted_on),
  granted_by text NOT NULL,
  complied_on date,
  departure_record_pk bigint REFERENCES source_records (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voluntary_departures_person_idx ON voluntary_departures (person_id);

-- One determination per admission (its current version), recomputed when the person's records change.
CREATE TABLE overstay_determinations (
  admission_id bigint PRIMARY KEY REFERENCES admissions (id) ON DELETE CASCADE,
  person_id bigint REFERENCES people (id),
  outcome text NOT NULL CHECK (outcome IN ('not_yet_due', 'departed_on_time', 'out_of_country_overstay',
    'suspected_in_country_overstay', 'not_determinable', 'data_error')),
  rule text NOT NULL,
  reason text NOT NULL,
  authorized_until date,
  departed_on date,
  days_over integer,
  fiscal_year integer,
  class_of_admission text NOT NULL,
  country_of_citizenship text,
  details jsonb NOT NULL DEFAULT '{}',
  as_of date NOT NULL,
  determined_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX overstay_determinations_person_idx ON overstay_determinations (person_id);
CREATE INDEX overstay_determinations_report_idx ON overstay_determinations (fiscal_year, outcome);

-- When a record arrived and when its person's status was brought up to date (stream latency).
ALTER TABLE departures ADD COLUMN received_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE departures ADD COLUMN resolved_at timestamptz;
