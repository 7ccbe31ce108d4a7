-- The sign-in throttle lives in the database, so that consoles sharing one database share it
-- and a restart does not forget it. A row is an attempt whose password is being checked
-- (pending) or turned out wrong (failed); rows older than the throttle's window are deleted.
CREATE TABLE sign_in_attempts (
    id          INTEGER PRIMARY KEY,
    account     TEXT NOT NULL, -- the user name tried, in lower case
    client_ip   TEXT NOT NULL,
    time        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'failed')),
    -- 0 once the account has signed in since: the failure then counts for the address only.
    for_account INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sign_in_attempts_account ON sign_in_attempts(account, time);
CREATE INDEX sign_in_attempts_client ON sign_in_attempts(client_ip, time);
CREATE INDEX sign_in_attempts_time ON sign_in_attempts(time);

-- Lock rows that every reservation writes first, one for its account and one for its address
-- (each key hashed to one of a fixed number of buckets, so the table never grows). SQLite runs
-- write transactions one at a time anyway; on a database that does not (PostgreSQL), the rows'
-- locks keep two reservations for one key from both counting four failures of five.
CREATE TABLE sign_in_locks (
    bucket INTEGER PRIMARY KEY,
    time   TEXT NOT NULL
);

-- Throttled attempts are kept as one row per client address and minute, with their number, so
-- that a flood of them cannot push the real failures out of sight. minute is set on those rows
-- only; several_names says that more than the row's user name was tried in it.
ALTER TABLE sign_ins ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sign_ins ADD COLUMN minute TEXT;
ALTER TABLE sign_ins ADD COLUMN several_names INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX sign_ins_throttled ON sign_ins(client_ip, minute);
-- The admin view filters by outcome, user name (whatever its case) and address.
CREATE INDEX sign_ins_outcome ON sign_ins(outcome);
CREATE INDEX sign_ins_user ON sign_ins(lower(user_name));
