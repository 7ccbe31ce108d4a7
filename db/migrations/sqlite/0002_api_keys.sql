-- API credentials. The SLB API signs with a shared secret, so the secret itself must be kept:
-- it is stored sealed with a key kept outside the database. The REST API's token is only ever
-- compared, so only its SHA-256 is stored.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    access_key_id TEXT NOT NULL UNIQUE,
    secret_sealed BLOB NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created       TEXT NOT NULL,
    revoked       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_keys_user ON api_keys(user_id);
