-- Documents follow the current version of each record: linking deletes those of earlier versions
-- by source_record_pk. Without this index that delete scanned the table in every linking
-- transaction and grew with it (6.8 → 223 ms per departure group over 30,000 events).
CREATE INDEX identity_documents_record_idx ON identity_documents (source_record_pk);
