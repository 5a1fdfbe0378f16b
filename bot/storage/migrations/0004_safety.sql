-- Safety responses, moderator alerts and resources.
-- Privacy: no table here holds message text. Members appear only as pseudonyms
-- (bot.privacy.pseudonym), except safety_alerts.revealed_user_id, which is set only when the
-- author pressed "Ask a moderator to reach out" themselves.

-- One row per flagged message or check-in (one alert even with several hits). Stored before
-- anything is sent, so a failed send is retried or listed, never lost.
CREATE TABLE safety_alerts (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    source            TEXT    NOT NULL CHECK (source IN ('message', 'checkin')),
    categories        TEXT    NOT NULL,          -- comma-separated: crisis,danger,abuse_sign
    severity          TEXT    NOT NULL CHECK (severity IN ('concern', 'high', 'imminent')),
    channel_id        INTEGER,                   -- where the flagged message was written
    message_id        INTEGER,                   -- the flagged message (never its text)
    checkin_ref       TEXT,                      -- the check-in's public id (no author)
    jump_url          TEXT,
    member_reply      TEXT    NOT NULL DEFAULT 'pending',  -- how the member was answered
    note              TEXT,                      -- delivery problems shown to moderators
    status            TEXT    NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'claimed', 'resolved')),
    alert_channel_id  INTEGER,                   -- the moderator post, once delivered
    alert_message_id  INTEGER,
    attempts          INTEGER NOT NULL DEFAULT 0,
    claimed_by        INTEGER,
    claimed_at        TEXT,
    resolved_by       INTEGER,
    resolved_at       TEXT,
    revealed_user_id  INTEGER,
    created_at        TEXT    NOT NULL
);
CREATE UNIQUE INDEX safety_alerts_message ON safety_alerts (guild_id, message_id)
    WHERE message_id IS NOT NULL;
CREATE UNIQUE INDEX safety_alerts_checkin ON safety_alerts (guild_id, checkin_ref)
    WHERE checkin_ref IS NOT NULL;
CREATE INDEX safety_alerts_unresolved ON safety_alerts (guild_id, status, id);

-- Per-member, per-category cooldown for member-facing replies (keyed by pseudonym).
CREATE TABLE safety_cooldowns (
    guild_id        INTEGER NOT NULL,            -- 0 for DMs sent to the bot
    pseudonym       TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    last_reply_at   TEXT    NOT NULL,
    last_bypass_at  TEXT,
    PRIMARY KEY (guild_id, pseudonym, category)
);

-- A button offered to one member (public nudge, or reveal on a check-in reply). The button's
-- custom_id carries only the token; the clicker is matched by pseudonym.
CREATE TABLE safety_offers (
    token       TEXT    PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    alert_id    INTEGER REFERENCES safety_alerts (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('nudge', 'reveal')),
    pseudonym   TEXT    NOT NULL,
    categories  TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    used_at     TEXT
);
CREATE INDEX safety_offers_alert ON safety_offers (alert_id);

-- A member's own region choice (/resources region), by pseudonym.
CREATE TABLE member_regions (
    guild_id    INTEGER NOT NULL,
    pseudonym   TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pseudonym)
);

-- The server's own resources (/resources add), validated before they are stored.
CREATE TABLE server_resources (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    topic       TEXT    NOT NULL CHECK (topic IN ('crisis', 'abuse', 'counselling', 'other')),
    phone       TEXT,
    url         TEXT,
    notes       TEXT,
    added_by    INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    UNIQUE (guild_id, name COLLATE NOCASE),
    CHECK (phone IS NOT NULL OR url IS NOT NULL)
);
