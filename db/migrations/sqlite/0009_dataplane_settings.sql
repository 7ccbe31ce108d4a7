-- What the fleet file says about the data plane, stored as given so that the reconciler can
-- drive HAProxy from it and an export writes it back: each group's backend, the port of a
-- default list's members, its health check and its drain timeout; each load balancer's
-- HAProxy nodes, in the file's order.
--
-- Durations are whole nanoseconds, as Go counts them, so that any duration the file accepts
-- (1m30s, 1500ms, 100500us) comes back exactly. A group made before this migration takes the
-- defaults the fleet file gives a group that says nothing: its own name as backend, a tcp check
-- every 2s, up after 2 passes, down after 3 failures, a drain of 30s.
ALTER TABLE groups ADD COLUMN backend TEXT NOT NULL DEFAULT '';
UPDATE groups SET backend = name;
-- NULL: none given (a VServer group's members carry their own ports).
ALTER TABLE groups ADD COLUMN default_port INTEGER CHECK (default_port BETWEEN 1 AND 65535);
ALTER TABLE groups ADD COLUMN check_type TEXT NOT NULL DEFAULT 'tcp' CHECK (check_type IN ('tcp', 'http'));
-- Empty for a tcp check.
ALTER TABLE groups ADD COLUMN check_path TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN check_interval_ns INTEGER NOT NULL DEFAULT 2000000000 CHECK (check_interval_ns > 0);
ALTER TABLE groups ADD COLUMN check_rise INTEGER NOT NULL DEFAULT 2 CHECK (check_rise > 0);
ALTER TABLE groups ADD COLUMN check_fall INTEGER NOT NULL DEFAULT 3 CHECK (check_fall > 0);
ALTER TABLE groups ADD COLUMN drain_timeout_ns INTEGER NOT NULL DEFAULT 30000000000 CHECK (drain_timeout_ns >= 0);

-- The HAProxy nodes that carry a load balancer's traffic, each named by the address of its
-- Runtime API (unix:/path or tcp:host:port). A load balancer without rows is a record only.
-- One node may serve several load balancers, so an address is unique only within one.
CREATE TABLE dataplane_nodes (
    lb_id       TEXT NOT NULL REFERENCES load_balancers(id),
    position    INTEGER NOT NULL CHECK (position >= 0),
    runtime_api TEXT NOT NULL,
    PRIMARY KEY (lb_id, position),
    UNIQUE (lb_id, runtime_api)
);
CREATE INDEX dataplane_nodes_address ON dataplane_nodes(runtime_api);
