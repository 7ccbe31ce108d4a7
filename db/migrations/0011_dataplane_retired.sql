-- Backends no group claims any more on a node (their group deleted, or its backend renamed),
-- kept in the node's desired state with no servers until the node has drained and deleted
-- every server lbconsole owns there: a group's servers never outlive it in HAProxy. A row
-- goes once its node reports the backend converged, or when a group claims the backend again.
CREATE TABLE dataplane_retired (
    lb_id            TEXT NOT NULL REFERENCES load_balancers(id) ON DELETE CASCADE,
    runtime_api      TEXT NOT NULL,
    backend          TEXT NOT NULL,
    drain_timeout_ns INTEGER NOT NULL,
    -- the adopted server names the group still owned, one a line: they leave too
    adopted          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lb_id, runtime_api, backend)
);
