-- PostgreSQL's translation of sqlite/0005_export_leases.sql.
-- The audit downloads running now, one row per slot a user holds, so that the cap on a
-- user's concurrent downloads holds across every console process on this database. A running
-- download renews its row; a row whose expiry has passed is free, so the slots of a process
-- that died mid-download come back by themselves.
CREATE TABLE export_leases (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slot    BIGINT NOT NULL,
    token   TEXT COLLATE "C" NOT NULL,
    started TEXT COLLATE "C" NOT NULL,
    expires TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, slot)
);

-- One row that /readyz rewrites to prove that the database takes writes.
CREATE TABLE readiness_probe (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    checked_at TEXT COLLATE "C" NOT NULL
);
INSERT INTO readiness_probe (id, checked_at) VALUES (1, '');
