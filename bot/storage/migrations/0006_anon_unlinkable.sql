-- Anonymity: nothing in the database may tie a member's pseudonym to something that identifies
-- a public message, a member's id, or a moment a member can be seen acting (see bot/privacy.py
-- and the README's threat model).

-- Safety cooldowns were kept by pseudonym with the exact time of the reply, which is the time of
-- the flagged public message: the row named its author's pseudonym. Now one row per reply, with
-- a tag of its own (owner_tag = keyed hash of the member and tag_salt), a 10-minute slot, and no
-- rowid (so rows are not even kept in the order they were written). Rows older than the
-- cooldown are deleted as soon as anyone is answered. Existing cooldowns are dropped: at worst a
-- member gets one reply sooner than the 6 hours.
DROP TABLE safety_cooldowns;
CREATE TABLE safety_cooldowns (
    guild_id   INTEGER NOT NULL,            -- 0 for DMs sent to the bot
    owner_tag  TEXT    NOT NULL,
    tag_salt   TEXT    NOT NULL,            -- category:reply|bypass:slot
    slot       TEXT    NOT NULL,            -- 'YYYY-MM-DDTHH:MM', start of a 10-minute slot
    PRIMARY KEY (guild_id, owner_tag)
) WITHOUT ROWID;
CREATE INDEX safety_cooldowns_slot ON safety_cooldowns (slot);

-- Offers (the nudge's button, "Ask a moderator to reach out") stored the pseudonym next to the
-- alert of a public message. Now each offer has its own owner tag. Existing offers are dropped:
-- their buttons answer "expired" and point to /resources show.
DROP TABLE safety_offers;
CREATE TABLE safety_offers (
    token       TEXT    PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    alert_id    INTEGER REFERENCES safety_alerts (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('nudge', 'reveal')),
    owner_tag   TEXT    NOT NULL,
    tag_salt    TEXT    NOT NULL,
    categories  TEXT    NOT NULL,
    severity    TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    used_at     TEXT
);
CREATE INDEX safety_offers_alert ON safety_offers (alert_id);
CREATE INDEX safety_offers_age ON safety_offers (created_at);

-- A reveal no longer stores the member's id: the request posted to the moderators names them,
-- the database only says that the author asked. The audit trail loses the id too.
ALTER TABLE safety_alerts ADD COLUMN revealed INTEGER NOT NULL DEFAULT 0 CHECK (revealed IN (0, 1));
UPDATE safety_alerts SET revealed = 1 WHERE revealed_user_id IS NOT NULL;
ALTER TABLE safety_alerts DROP COLUMN revealed_user_id;
UPDATE audit_log SET actor_id = 0 WHERE action = 'alert.reveal';

-- Moderators saw one label per author (a prefix of the pseudonym), so a reveal or a guess about
-- one post unmasked all of them. Now each post has a random label of its own.
ALTER TABLE anon_posts ADD COLUMN label TEXT;
UPDATE anon_posts SET label = 'anon-' || lower(hex(randomblob(4)));

-- A block is kept by pseudonym (never shown) under the label of the post it was made from; an
-- author blocked from two posts has two rows. Existing blocks keep the label moderators saw.
CREATE TABLE anon_blocks_new (
    guild_id    INTEGER NOT NULL,
    label       TEXT    NOT NULL,
    pseudonym   TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, label)
);
INSERT INTO anon_blocks_new (guild_id, label, pseudonym, created_at)
    SELECT guild_id, 'anon-' || substr(pseudonym, 1, 8), pseudonym, created_at FROM anon_blocks;
DROP TABLE anon_blocks;
ALTER TABLE anon_blocks_new RENAME TO anon_blocks;
CREATE INDEX anon_blocks_author ON anon_blocks (guild_id, pseudonym);
