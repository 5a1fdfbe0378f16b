-- Core: one row of settings per server. Feature tables come in later migrations.
CREATE TABLE guild_settings (
    guild_id              INTEGER PRIMARY KEY,
    alerts_channel_id     INTEGER,
    checkin_channel_id    INTEGER,
    moderator_role_id     INTEGER,
    region                TEXT    NOT NULL DEFAULT 'INTL',
    timezone              TEXT    NOT NULL DEFAULT 'UTC',
    safety_mode           TEXT    NOT NULL DEFAULT 'nudge'
                          CHECK (safety_mode IN ('dm', 'nudge', 'mods')),
    anon_delay_max_s      INTEGER NOT NULL DEFAULT 60 CHECK (anon_delay_max_s BETWEEN 0 AND 3600),
    anon_rate_per_hour    INTEGER NOT NULL DEFAULT 3 CHECK (anon_rate_per_hour BETWEEN 1 AND 60),
    anon_daily_tag        INTEGER NOT NULL DEFAULT 1 CHECK (anon_daily_tag IN (0, 1)),
    approval_queue        INTEGER NOT NULL DEFAULT 0 CHECK (approval_queue IN (0, 1)),
    retention_days        INTEGER CHECK (retention_days IS NULL OR retention_days >= 1),
    left_at               TEXT,   -- when the bot was removed; data is purged 30 days later
    created_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at            TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
