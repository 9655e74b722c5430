-- Passage foundation schema. Runs unchanged on PGlite (PostgreSQL 18 in WASM) and PostgreSQL 15+.
-- Records are never overwritten: a changed source record is a new version row.

CREATE TABLE app_meta (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Systems that send us records (I-94 arrivals, exit manifests, benefit applications, ...).
CREATE TABLE source_systems (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  default_record_type text CHECK (default_record_type IN ('person', 'admission', 'departure', 'application')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ingest_jobs (
  id bigserial PRIMARY KEY,
  source_id integer NOT NULL REFERENCES source_systems (id),
  file_name text NOT NULL,
  file_path text NOT NULL,
  file_size bigint,
  format text NOT NULL CHECK (format IN ('csv', 'ndjson')),
  status text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  started_by text NOT NULL DEFAULT 'cli',
  rows_read bigint NOT NULL DEFAULT 0,
  accepted bigint NOT NULL DEFAULT 0,
  new_versions bigint NOT NULL DEFAULT 0,
  duplicates bigint NOT NULL DEFAULT 0,
  quarantined bigint NOT NULL DEFAULT 0,
  bytes_read bigint NOT NULL DEFAULT 0,
  error text
);
CREATE INDEX ingest_jobs_started_idx ON ingest_jobs (started_at DESC);

-- Every accepted row, every version, with its provenance. Idempotent on (source, record id, checksum).
CREATE TABLE source_records (
  id bigserial PRIMARY KEY,
  source_id integer NOT NULL REFERENCES source_systems (id),
  source_record_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  checksum text NOT NULL,
  record_type text NOT NULL CHECK (record_type IN ('person', 'admission', 'departure', 'application')),
  data jsonb NOT NULL,
  raw text NOT NULL,
  file_name text NOT NULL,
  line_number bigint NOT NULL,
  ingest_job_id bigint REFERENCES ingest_jobs (id),
  ingested_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_id, source_record_id, checksum),
  UNIQUE (source_id, source_record_id, version)
);

-- Rows that failed validation, kept whole with every reason. Nothing is dropped silently.
CREATE TABLE quarantined_rows (
  id bigserial PRIMARY KEY,
  ingest_job_id bigint REFERENCES ingest_jobs (id),
  source_id integer NOT NULL REFERENCES source_systems (id),
  file_name text NOT NULL,
  line_number bigint NOT NULL,
  raw_text text NOT NULL,
  reasons jsonb NOT NULL,
  checksum text NOT NULL,
  quarantined_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_id, file_name, line_number, checksum)
);
CREATE INDEX quarantined_rows_job_idx ON quarantined_rows (ingest_job_id, line_number);

CREATE TABLE people (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set when a merge folds this person into another; the row stays so the merge can be undone.
  merged_into bigint REFERENCES people (id)
);

-- The identity fields of the current version of each source record, and the person it is linked to.
CREATE TABLE record_identities (
  source_id integer NOT NULL REFERENCES source_systems (id),
  source_record_id text NOT NULL,
  source_record_pk bigint NOT NULL REFERENCES source_records (id),
  record_type text NOT NULL,
  person_id bigint REFERENCES people (id),
  given_name text,
  middle_name text,
  family_name text,
  date_of_birth date,
  sex text,
  country_of_citizenship text,
  passport_number text,
  passport_country text,
  a_number text,
  name_key text,
  search_text text NOT NULL DEFAULT '',
  PRIMARY KEY (source_id, source_record_id)
);
CREATE INDEX record_identities_person_idx ON record_identities (person_id);
CREATE INDEX record_identities_a_number_idx ON record_identities (a_number) WHERE a_number IS NOT NULL;
CREATE INDEX record_identities_passport_idx ON record_identities (passport_number, passport_country)
  WHERE passport_number IS NOT NULL;
CREATE INDEX record_identities_name_dob_idx ON record_identities (name_key, date_of_birth)
  WHERE name_key IS NOT NULL;
CREATE INDEX record_identities_family_idx ON record_identities (lower(family_name) text_pattern_ops);
CREATE INDEX record_identities_given_idx ON record_identities (lower(given_name) text_pattern_ops);

-- How each source record came to belong to a person: the rule, its evidence, when and by whom.
CREATE TABLE person_links (
  id bigserial PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES people (id),
  source_id integer NOT NULL REFERENCES source_systems (id),
  source_record_id text NOT NULL,
  source_record_pk bigint NOT NULL REFERENCES source_records (id),
  rule text NOT NULL,
  evidence jsonb NOT NULL DEFAULT '{}',
  linked_by text NOT NULL DEFAULT 'system',
  linked_at timestamptz NOT NULL DEFAULT now(),
  unlinked_at timestamptz,
  unlink_reason text
);
CREATE UNIQUE INDEX person_links_current_idx ON person_links (source_id, source_record_id) WHERE unlinked_at IS NULL;
CREATE INDEX person_links_person_idx ON person_links (person_id);

-- Passports and A-numbers seen for a person, each tied to the record it came from.
CREATE TABLE identity_documents (
  id bigserial PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES people (id),
  kind text NOT NULL CHECK (kind IN ('passport', 'a_number')),
  number text NOT NULL,
  issuing_country text,
  source_record_pk bigint NOT NULL REFERENCES source_records (id),
  UNIQUE (kind, number, issuing_country, source_record_pk)
);
CREATE INDEX identity_documents_person_idx ON identity_documents (person_id);
CREATE INDEX identity_documents_number_idx ON identity_documents (number);

-- Lifecycle projections: one row per source record (its current version), linked to a person.
CREATE TABLE admissions (
  id bigserial PRIMARY KEY,
  source_id integer NOT NULL REFERENCES source_systems (id),
  source_record_id text NOT NULL,
  source_record_pk bigint NOT NULL REFERENCES source_records (id),
  person_id bigint REFERENCES people (id),
  admission_number text,
  class_of_admission text NOT NULL,
  port_of_entry text,
  admitted_on date NOT NULL,
  admit_until date,
  duration_of_status boolean NOT NULL DEFAULT false,
  UNIQUE (source_id, source_record_id)
);
CREATE INDEX admissions_person_idx ON admissions (person_id);

CREATE TABLE applications (
  id bigserial PRIMARY KEY,
  source_id integer NOT NULL REFERENCES source_systems (id),
  source_record_id text NOT NULL,
  source_record_pk bigint NOT NULL REFERENCES source_records (id),
  person_id bigint REFERENCES people (id),
  receipt_number text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('extension', 'change_of_status', 'adjustment_of_status')),
  filed_on date NOT NULL,
  decided_on date,
  outcome text NOT NULL CHECK (outcome IN ('pending', 'approved', 'denied', 'withdrawn')),
  requested_class text,
  approved_until date,
  UNIQUE (source_id, source_record_id)
);
CREATE INDEX applications_person_idx ON applications (person_id);

CREATE TABLE departures (
  id bigserial PRIMARY KEY,
  source_id integer NOT NULL REFERENCES source_systems (id),
  source_record_id text NOT NULL,
  source_record_pk bigint NOT NULL REFERENCES source_records (id),
  person_id bigint REFERENCES people (id),
  departed_on date NOT NULL,
  port_of_departure text,
  carrier text,
  manifest_ref text,
  self_reported boolean NOT NULL DEFAULT false,
  UNIQUE (source_id, source_record_id)
);
CREATE INDEX departures_person_idx ON departures (person_id);

CREATE TABLE accounts (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'officer', 'supervisor', 'analyst', 'auditor')),
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT true,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id text PRIMARY KEY, -- sha256 of the cookie token; the token itself is never stored
  account_id bigint NOT NULL REFERENCES accounts (id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

-- Append-only audit log. seq is gap-free per insert order and entry_hash is the sha256 of the
-- canonical entry, so a Merkle tree with signed checkpoints can be added over (seq, entry_hash).
CREATE TABLE audit_log (
  seq bigserial PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  actor_account_id bigint,
  actor_username text,
  actor_role text,
  action text NOT NULL,
  object_type text,
  object_id text,
  purpose_kind text CHECK (purpose_kind IN ('case', 'reason')),
  purpose text,
  outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'success', 'failure')),
  request_id text,
  client_ip text,
  details jsonb NOT NULL DEFAULT '{}',
  entry_hash text NOT NULL
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, seq);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_account_id, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
