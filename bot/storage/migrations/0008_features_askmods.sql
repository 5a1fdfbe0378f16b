-- Issue 18 (features): anonymous member-to-moderator conversations (/ask-mods), re-raising
-- unclaimed alerts, and the settings both need. Runs after 0006_anon_unlinkable and
-- 0007_modflow and changes none of their tables (alert_reraises only points at safety_alerts).
-- Privacy: an asker appears only as `askmods_pseudonym`, an HMAC of the server secret and
-- "askmods:" + guild + user (a purpose of its own: it matches no other table's pseudonym). The
-- user id needed to deliver a moderator's reply is kept only sealed (`delivery_box`: encrypted
-- and authenticated with a key derived from the server secret), never in the clear.

-- Per-server settings of these features (a table of their own: guild_settings stays as it is).
CREATE TABLE feature_settings (
    guild_id            INTEGER PRIMARY KEY,
    askmods_channel_id  INTEGER,                  -- staff channel for conversations; NULL: alerts
    unclaimed_minutes   INTEGER NOT NULL DEFAULT 10
                        CHECK (unclaimed_minutes BETWEEN 1 AND 1440),
    updated_at          TEXT    NOT NULL
);

-- One row per conversation. `label` is random per conversation (two conversations of the same
-- member do not share it); moderators see only the label.
CREATE TABLE askmods_conversations (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    label              TEXT    NOT NULL UNIQUE,
    askmods_pseudonym  TEXT    NOT NULL,
    delivery_box       TEXT    NOT NULL,          -- sealed user id (see bot/askmods/identity.py)
    named              INTEGER NOT NULL DEFAULT 0 CHECK (named IN (0, 1)),
    status             TEXT    NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'closed', 'blocked')),
    channel_id         INTEGER,                   -- the staff channel holding the thread
    starter_message_id INTEGER,
    thread_id          INTEGER,
    flagged_severity   TEXT,                      -- highest safety severity in the member's words
    flagged_at         TEXT,
    reraised_at        TEXT,                      -- raised again once, unanswered
    created_at         TEXT    NOT NULL,
    closed_at          TEXT
);
CREATE INDEX askmods_conversations_member ON askmods_conversations (guild_id, askmods_pseudonym);
CREATE INDEX askmods_conversations_thread ON askmods_conversations (thread_id);

-- Messages both ways. The member's words are stored so they can read the conversation back
-- (DMs closed) and export it; the rows go with the conversation (end and delete, forget,
-- retention). `askmods_pseudonym` is repeated so data rights find the rows by themselves.
CREATE TABLE askmods_messages (
    id                 INTEGER PRIMARY KEY,
    conversation_id    INTEGER NOT NULL REFERENCES askmods_conversations (id) ON DELETE CASCADE,
    guild_id           INTEGER NOT NULL,
    askmods_pseudonym  TEXT    NOT NULL,
    direction          TEXT    NOT NULL CHECK (direction IN ('member', 'moderators')),
    body               TEXT    NOT NULL,
    thread_message_id  INTEGER,                   -- the bot's copy in the staff thread
    delivered          INTEGER NOT NULL DEFAULT 0 CHECK (delivered IN (0, 1)),
    created_at         TEXT    NOT NULL
);
CREATE INDEX askmods_messages_conversation ON askmods_messages (conversation_id, id);

-- When a member opened a conversation (the daily limit must survive "end and delete");
-- rows older than a day are deleted.
CREATE TABLE askmods_opens (
    guild_id           INTEGER NOT NULL,
    askmods_pseudonym  TEXT    NOT NULL,
    opened_at          TEXT    NOT NULL
);
CREATE INDEX askmods_opens_member ON askmods_opens (guild_id, askmods_pseudonym, opened_at);

-- A blocked asker (by pseudonym): kept when they erase their data, like anon_blocks.
CREATE TABLE askmods_blocks (
    guild_id           INTEGER NOT NULL,
    askmods_pseudonym  TEXT    NOT NULL,
    label              TEXT    NOT NULL,          -- the conversation the block came from
    created_at         TEXT    NOT NULL,
    PRIMARY KEY (guild_id, askmods_pseudonym)
);

-- Alerts re-raised because nobody claimed them in time (once each).
CREATE TABLE alert_reraises (
    alert_id     INTEGER PRIMARY KEY REFERENCES safety_alerts (id) ON DELETE CASCADE,
    guild_id     INTEGER NOT NULL,
    raised_at    TEXT    NOT NULL,
    message_id   INTEGER
);
