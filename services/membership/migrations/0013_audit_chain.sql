-- The audit trail's hash chain: each entry's SHA-256 over its columns and the previous entry's hash.
-- Entries written before this migration stay unchained (null hashes); the chain starts at
-- chain_start with a previous hash of 64 zeros. The head keeps the hash of the last entry.
alter table audit_entries add column previous_hash text;
alter table audit_entries add column hash text;
alter table audit_head add column chain_start bigint not null default 1;
alter table audit_head add column last_hash text not null default '0000000000000000000000000000000000000000000000000000000000000000';
update audit_head set chain_start = last_id + 1;
