-- PostgreSQL's translation of sqlite/0007_key_check.sql.
-- A MAC of a constant under the master key, written when the database is made. The audit
-- chain's HMAC and the sealed API secrets depend on that key: a start with another key is
-- refused before it writes audit rows that no one could ever verify.
CREATE TABLE key_checks (
    purpose TEXT COLLATE "C" PRIMARY KEY,
    mac     TEXT COLLATE "C" NOT NULL,
    created TEXT COLLATE "C" NOT NULL
);
