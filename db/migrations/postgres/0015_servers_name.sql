-- PostgreSQL's translation of sqlite/0015_servers_name.sql.
-- The servers page lists the inventory by region, then name: with servers in name order, each
-- region's page is read by walking this index until the page is full, not by sorting every
-- server.
CREATE INDEX IF NOT EXISTS servers_name ON servers(name, id);
