-- A MAC of a constant under the master key, written when the database is made. The audit
-- chain's HMAC and the sealed API secrets depend on that key: a start with another key is
-- refused before it writes audit rows that no one could ever verify.
CREATE TABLE key_checks (
    purpose TEXT PRIMARY KEY,
    mac     TEXT NOT NULL,
    created TEXT NOT NULL
);
