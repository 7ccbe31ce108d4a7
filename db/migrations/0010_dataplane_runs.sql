-- What the reconcilers of the HAProxy nodes carry between passes and what they found, so that
-- it survives a restart, every console process on the database sees it, and the pages and APIs
-- can show it. A node is a load balancer's Runtime API address (dataplane_nodes); a node that
-- serves several load balancers is reconciled once per load balancer, each on its own backends.
-- Rows of a node no longer bound are left behind and never shown: reads join dataplane_nodes.
-- Times are UTC text as everywhere; '' means none.

-- How each node's last pass ended.
CREATE TABLE dataplane_node_status (
    lb_id              TEXT NOT NULL REFERENCES load_balancers(id) ON DELETE CASCADE,
    runtime_api        TEXT NOT NULL,
    -- in-sync, converging, drift-corrected, unreachable or held (dataplane.Status)
    status             TEXT NOT NULL,
    -- operations that failed plus servers waiting (a drain, a replacement)
    pending            INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT NOT NULL DEFAULT '',
    -- the first pass of the current run of unreachable ones
    unreachable_since  TEXT NOT NULL DEFAULT '',
    drift_corrected_at TEXT NOT NULL DEFAULT '',
    -- the first pass of the current run of in-sync ones
    in_sync_since      TEXT NOT NULL DEFAULT '',
    last_pass          TEXT NOT NULL,
    pass_us            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (lb_id, runtime_api)
);

-- The reconciler's dataplane.State (drain clocks, what each server was last seen to match),
-- as JSON, saved before each pass applies its operations.
CREATE TABLE dataplane_node_state (
    lb_id       TEXT NOT NULL REFERENCES load_balancers(id) ON DELETE CASCADE,
    runtime_api TEXT NOT NULL,
    state       TEXT NOT NULL,
    saved       TEXT NOT NULL,
    PRIMARY KEY (lb_id, runtime_api)
);

-- When each node first found itself converged on a version of a group: the first pass that
-- read the backend with nothing to do, wait for or correct. Versions a node skipped (two
-- batches before one pass) have no row: the next version's row answers for them. The audit
-- log's group_version says which batch made each version.
CREATE TABLE dataplane_converged (
    lb_id       TEXT NOT NULL REFERENCES load_balancers(id) ON DELETE CASCADE,
    runtime_api TEXT NOT NULL,
    group_id    TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (lb_id, runtime_api, group_id, version)
);
CREATE INDEX dataplane_converged_group ON dataplane_converged(group_id, version);

-- What each node last observed of each desired member: rewritten by every pass that could
-- read the node, kept as it was while the node cannot be read.
CREATE TABLE dataplane_member_health (
    lb_id        TEXT NOT NULL REFERENCES load_balancers(id) ON DELETE CASCADE,
    runtime_api  TEXT NOT NULL,
    group_id     TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    member_id    TEXT NOT NULL,
    server       TEXT NOT NULL,
    -- dataplane.Health: absent, maint, drain, up, down, checking, no-check
    health       TEXT NOT NULL,
    check_health TEXT NOT NULL,
    admin_state  TEXT NOT NULL,
    status       TEXT NOT NULL,
    check_status TEXT NOT NULL,
    check_code   INTEGER NOT NULL,
    check_desc   TEXT NOT NULL,
    last_check   TEXT NOT NULL,
    sessions     INTEGER NOT NULL,
    session_rate INTEGER NOT NULL,
    weight       INTEGER NOT NULL,
    observed     TEXT NOT NULL,
    PRIMARY KEY (lb_id, runtime_api, group_id, member_id)
);
CREATE INDEX dataplane_member_health_group ON dataplane_member_health(group_id);

-- The servers each node has on their way out of a group's backend, with their drain clocks.
CREATE TABLE dataplane_leaving (
    lb_id       TEXT NOT NULL REFERENCES load_balancers(id) ON DELETE CASCADE,
    runtime_api TEXT NOT NULL,
    group_id    TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    server      TEXT NOT NULL,
    -- '' for an adopted server whose member is gone
    member_id   TEXT NOT NULL,
    admin_state TEXT NOT NULL,
    sessions    INTEGER NOT NULL,
    seen        TEXT NOT NULL,
    draining    TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    observed    TEXT NOT NULL,
    PRIMARY KEY (lb_id, runtime_api, group_id, server)
);
CREATE INDEX dataplane_leaving_group ON dataplane_leaving(group_id);

-- HAProxy servers lbconsole took over instead of creating (a fleet file's haproxy_server): the
-- name stays owned in its group's backend for as long as the group exists, as its member's
-- server while the member does, and as a server to remove once it does not (member_id then
-- names a member that is gone). Names are never forgotten, so that an HAProxy restarted with
-- an old haproxy.cfg has them removed again rather than serving unmanaged.
CREATE TABLE dataplane_adopted (
    group_id  TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (group_id, name)
);
CREATE INDEX dataplane_adopted_member ON dataplane_adopted(member_id);
