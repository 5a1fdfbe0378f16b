-- Check-ins and anonymous posts. The author of every row is an HMAC pseudonym (see
-- bot/privacy.py): no table here has a user id column, so the database alone cannot say who
-- wrote what. Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ' from the bot's clock.
CREATE TABLE checkins (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT    NOT NULL UNIQUE,  -- opaque reference shown to the author and to safety
    guild_id    INTEGER NOT NULL,
    pseudonym   TEXT    NOT NULL,
    kind        TEXT    NOT NULL DEFAULT 'checkin' CHECK (kind IN ('checkin', 'reply')),
    mood        INTEGER CHECK (mood IS NULL OR mood BETWEEN 1 AND 5),
    body        TEXT    NOT NULL,
    help_text   TEXT,
    prompt      TEXT,
    visibility  TEXT    NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'anonymous')),
    created_at  TEXT    NOT NULL
);
CREATE INDEX checkins_author ON checkins (guild_id, pseudonym, id DESC);
CREATE INDEX checkins_age ON checkins (guild_id, created_at);

-- One anonymous post per check-in: its sanitised text, where and when it goes, and what
-- happened to it. `nonce` makes a resend after a crash idempotent (Discord's enforce_nonce).
CREATE TABLE anon_posts (
    id                   INTEGER PRIMARY KEY,
    checkin_id           INTEGER NOT NULL UNIQUE REFERENCES checkins (id) ON DELETE CASCADE,
    guild_id             INTEGER NOT NULL,
    pseudonym            TEXT    NOT NULL,
    channel_id           INTEGER NOT NULL,
    reply_to_message_id  INTEGER,
    body                 TEXT    NOT NULL,
    mood                 INTEGER,
    tag                  TEXT,
    status               TEXT    NOT NULL CHECK (status IN ('awaiting_approval', 'queued',
                                 'sending', 'posted', 'rejected', 'removed', 'failed')),
    failure              TEXT,
    nonce                TEXT    NOT NULL UNIQUE,
    due_at               TEXT,
    attempts             INTEGER NOT NULL DEFAULT 0,
    message_id           INTEGER UNIQUE,
    review_channel_id    INTEGER,
    review_message_id    INTEGER,
    created_at           TEXT    NOT NULL,
    posted_at            TEXT
);
CREATE INDEX anon_posts_due ON anon_posts (status, due_at);
CREATE INDEX anon_posts_author ON anon_posts (guild_id, pseudonym, created_at);

-- Pseudonyms a moderator stopped from posting anonymously (they can still check in privately).
CREATE TABLE anon_blocks (
    guild_id    INTEGER NOT NULL,
    pseudonym   TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pseudonym)
);

-- Member reports of an anonymous post; the reporter is a pseudonym too (one report each).
-- The moderators' alert is remembered so it goes when the author deletes the post.
CREATE TABLE anon_reports (
    post_id           INTEGER NOT NULL REFERENCES anon_posts (id) ON DELETE CASCADE,
    guild_id          INTEGER NOT NULL,
    pseudonym         TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    alert_channel_id  INTEGER,
    alert_message_id  INTEGER,
    PRIMARY KEY (post_id, pseudonym)
);
