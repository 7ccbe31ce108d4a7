-- PostgreSQL's translation of sqlite/0006_slb_nonces.sql.
-- The SLB API's signature nonces, kept until a replay of their call could no longer pass the
-- Timestamp check, so that a restarted console, or another one on the same database, refuses
-- the replay too. A nonce is unique per AccessKeyId: inserting one that is there is a replay.
CREATE TABLE slb_nonces (
    access_key_id TEXT COLLATE "C" NOT NULL,
    nonce         TEXT COLLATE "C" NOT NULL,
    expires       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (access_key_id, nonce)
);
-- Pruning takes the oldest first, a small batch at a time.
CREATE INDEX slb_nonces_expires ON slb_nonces(expires);

-- How many nonces each key has remembered, by the minute they expire in (Unix seconds / 60):
-- the per-key cap sums a key's few dozen live minutes instead of counting its nonces.
CREATE TABLE slb_nonce_counts (
    access_key_id TEXT COLLATE "C" NOT NULL,
    minute        BIGINT NOT NULL,
    nonces        BIGINT NOT NULL,
    PRIMARY KEY (access_key_id, minute)
);
