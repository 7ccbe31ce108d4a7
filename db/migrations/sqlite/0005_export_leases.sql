-- The audit downloads running now, one row per slot a user holds, so that the cap on a
-- user's concurrent downloads holds across every console process on this database. A running
-- download renews its row; a row whose expiry has passed is free, so the slots of a process
-- that died mid-download come back by themselves.
CREATE TABLE export_leases (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slot    INTEGER NOT NULL,
    token   TEXT NOT NULL,
    started TEXT NOT NULL,
    expires TEXT NOT NULL,
    PRIMARY KEY (user_id, slot)
);

-- One row that /readyz rewrites to prove that the database takes writes.
CREATE TABLE readiness_probe (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL
);
INSERT INTO readiness_probe (id, checked_at) VALUES (1, '');
