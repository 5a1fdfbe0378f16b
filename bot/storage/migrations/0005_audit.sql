-- Audit trail: configuration changes and moderator actions. The actor is a moderator or
-- manager (not anonymous); a target that is an anonymous author is stored as a pseudonym label.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT,
    detail      TEXT,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX audit_log_guild_time ON audit_log (guild_id, id DESC);
