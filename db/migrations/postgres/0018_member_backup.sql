-- PostgreSQL's translation of sqlite/0018_member_backup.sql.
-- A backup member takes requests only when no other member of its group is up: HAProxy's
-- backup servers, the REST API's backup. 0 or 1, as maintenance.
ALTER TABLE members ADD COLUMN backup BIGINT NOT NULL DEFAULT 0 CHECK (backup IN (0, 1));
