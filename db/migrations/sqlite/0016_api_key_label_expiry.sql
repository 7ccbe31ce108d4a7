-- API keys get a label (what the key is for), an optional expiry, and the time of their last
-- use. Empty means none, as revoked does: a key without an expiry works until it is revoked.
ALTER TABLE api_keys ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN expires TEXT NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN last_used TEXT NOT NULL DEFAULT '';
