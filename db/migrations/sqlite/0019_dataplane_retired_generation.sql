-- Which retirement of a backend a row is: 1 when the backend is first retired on the node, one
-- more each time it is retired again before its row goes. The node's desired state carries it
-- (as the backend's version, negated), and a row goes only when a pass reports that same
-- retirement converged: a pass that read the desired state before the group was deleted
-- reports the backend converged on the group's servers, which must not end the retirement.
ALTER TABLE dataplane_retired ADD COLUMN generation INTEGER NOT NULL DEFAULT 1 CHECK (generation >= 1);
