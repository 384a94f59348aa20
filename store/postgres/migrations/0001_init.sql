-- Times are timestamptz; expiry is judged by frontdoor's clock, not now().

CREATE TABLE flows (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    step       TEXT NOT NULL,
    user_ref   TEXT NOT NULL,
    data       BYTEA,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL
);
CREATE INDEX flows_expires_at ON flows (expires_at);

CREATE TABLE codes (
    flow_id    TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    method     TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    hash       BYTEA NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    tries_left INTEGER NOT NULL,
    PRIMARY KEY (flow_id, method, purpose)
);
CREATE INDEX codes_expires_at ON codes (expires_at);

CREATE TABLE limit_hits (
    key        TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX limit_hits_key_at ON limit_hits (key, at);
CREATE INDEX limit_hits_expires_at ON limit_hits (expires_at);

CREATE TABLE limit_blocks (
    key   TEXT PRIMARY KEY,
    until TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time       TIMESTAMPTZ NOT NULL,
    type       TEXT NOT NULL,
    flow       TEXT NOT NULL,
    user_ref   TEXT NOT NULL,
    ip         TEXT NOT NULL,
    request_id TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    detail     JSONB NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (time);
CREATE INDEX audit_events_user_time ON audit_events (user_ref, time);

CREATE TABLE registrations (
    user_ref   TEXT PRIMARY KEY,
    data       BYTEA,
    updated_at TIMESTAMPTZ NOT NULL,
    version    BIGINT NOT NULL
);
