-- The inventory, the load balancers and their groups, people and their sessions, and the
-- append-only audit log. Times are UTC text in the layout 2006-01-02T15:04:05.000000Z so that
-- they sort as strings.

CREATE TABLE regions (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE vpcs (
    id        TEXT PRIMARY KEY,
    region_id TEXT NOT NULL REFERENCES regions(id),
    name      TEXT NOT NULL,
    cidr      TEXT NOT NULL
);

CREATE TABLE subnets (
    id     TEXT PRIMARY KEY,
    vpc_id TEXT NOT NULL REFERENCES vpcs(id),
    name   TEXT NOT NULL,
    cidr   TEXT NOT NULL
);
CREATE INDEX subnets_vpc ON subnets(vpc_id);

CREATE TABLE servers (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    address   TEXT NOT NULL,
    subnet_id TEXT NOT NULL REFERENCES subnets(id),
    type      TEXT NOT NULL CHECK (type IN ('ecs', 'eni', 'eci')),
    status    TEXT NOT NULL CHECK (status IN ('Running', 'Stopped'))
);
CREATE INDEX servers_address ON servers(address);
CREATE INDEX servers_subnet ON servers(subnet_id);

CREATE TABLE load_balancers (
    id           TEXT PRIMARY KEY,
    region_id    TEXT NOT NULL REFERENCES regions(id),
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    address_type TEXT NOT NULL CHECK (address_type IN ('internet', 'intranet')),
    network_type TEXT NOT NULL CHECK (network_type IN ('vpc', 'classic')),
    vpc_id       TEXT REFERENCES vpcs(id),
    status       TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'locked')),
    created      TEXT NOT NULL
);
CREATE INDEX load_balancers_region ON load_balancers(region_id, name);

-- A group is a load balancer's default server list (kind 'default', at most one) or one of its
-- VServer groups. version moves with every applied change.
CREATE TABLE groups (
    id      TEXT PRIMARY KEY,
    lb_id   TEXT NOT NULL REFERENCES load_balancers(id),
    name    TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('default', 'vserver')),
    version INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL
);
CREATE UNIQUE INDEX groups_one_default ON groups(lb_id) WHERE kind = 'default';
CREATE INDEX groups_lb ON groups(lb_id);

-- Port is 0 in the default list, so (group, address, port) is unique in every group.
CREATE TABLE members (
    id          TEXT PRIMARY KEY,
    group_id    TEXT NOT NULL REFERENCES groups(id),
    server_id   TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL,
    port        INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
    weight      INTEGER NOT NULL CHECK (weight BETWEEN 0 AND 100),
    type        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    subnet_id   TEXT NOT NULL,
    created     TEXT NOT NULL,
    updated     TEXT NOT NULL,
    UNIQUE (group_id, address, port)
);
CREATE INDEX members_server ON members(server_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created       TEXT NOT NULL
);

-- Only a hash of the session id is stored: a copy of the database does not sign anyone in.
CREATE TABLE sessions (
    id_hash   TEXT PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created   TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- One row per batch attempt, applied or refused, chained by an HMAC whose key is kept outside
-- the database.
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    time          TEXT NOT NULL,
    actor         TEXT NOT NULL,
    source        TEXT NOT NULL,
    client_ip     TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    action        TEXT NOT NULL,
    region        TEXT NOT NULL,
    load_balancer TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    message       TEXT NOT NULL,
    servers_count INTEGER NOT NULL,
    servers       TEXT NOT NULL,
    request       TEXT NOT NULL,
    before        TEXT NOT NULL,
    after         TEXT NOT NULL,
    -- the group's version after an applied change, so that a conflict can show what changed
    group_version INTEGER NOT NULL DEFAULT 0,
    -- the entry this one reverts, or 0
    reverts       INTEGER NOT NULL DEFAULT 0,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_lb ON audit_log(load_balancer, seq);
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
CREATE INDEX audit_log_group ON audit_log(group_id, group_version);
CREATE INDEX audit_log_reverts ON audit_log(reverts) WHERE reverts <> 0;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
