-- Times are Unix nanoseconds (UTC).

CREATE TABLE flows (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    step       TEXT NOT NULL,
    user_ref   TEXT NOT NULL,
    data       BLOB,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT;
CREATE INDEX flows_expires_at ON flows (expires_at);

CREATE TABLE codes (
    flow_id    TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    method     TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    hash       BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    tries_left INTEGER NOT NULL,
    PRIMARY KEY (flow_id, method, purpose)
) STRICT;
CREATE INDEX codes_expires_at ON codes (expires_at);

CREATE TABLE limit_hits (
    key        TEXT NOT NULL,
    at         INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX limit_hits_key_at ON limit_hits (key, at);
CREATE INDEX limit_hits_expires_at ON limit_hits (expires_at);

CREATE TABLE limit_blocks (
    key   TEXT PRIMARY KEY,
    until INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    time       INTEGER NOT NULL,
    type       TEXT NOT NULL,
    flow       TEXT NOT NULL,
    user_ref   TEXT NOT NULL,
    ip         TEXT NOT NULL,
    request_id TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    detail     TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_time ON audit_events (time);
CREATE INDEX audit_events_user_time ON audit_events (user_ref, time);

CREATE TABLE registrations (
    user_ref   TEXT PRIMARY KEY,
    data       BLOB,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT;
