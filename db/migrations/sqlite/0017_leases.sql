-- Named leases with an expiry, for work that one console of several on this database must do
-- alone (such as driving one HAProxy node): a holder renews its lease before it expires; a
-- lease whose expiry has passed is free for another holder to take.
CREATE TABLE leases (
    name    TEXT PRIMARY KEY,
    holder  TEXT NOT NULL,
    expires TEXT NOT NULL
);
