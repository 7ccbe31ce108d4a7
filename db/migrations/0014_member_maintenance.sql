-- A member in maintenance stays in its group but takes no traffic at all: HAProxy's maint
-- state, the REST API's admin_state_up false. 0 or 1, as every database spells a flag.
ALTER TABLE members ADD COLUMN maintenance INTEGER NOT NULL DEFAULT 0 CHECK (maintenance IN (0, 1));

-- Where each leaving server is, as its node has it: the console names it by address and port,
-- since its member may be gone (or, after a change of address, be another server now).
ALTER TABLE dataplane_leaving ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE dataplane_leaving ADD COLUMN port INTEGER NOT NULL DEFAULT 0;
