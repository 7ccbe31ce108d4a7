-- Every sign-in attempt, kept so that admins can see who tried what from where.
CREATE TABLE sign_ins (
    id        INTEGER PRIMARY KEY,
    time      TEXT NOT NULL,
    user_name TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'throttled'))
);
CREATE INDEX sign_ins_time ON sign_ins(time);
