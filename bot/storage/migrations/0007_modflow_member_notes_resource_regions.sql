-- modflow (issue 14): member notes, the one-time welcome, server resources per region, one
-- timezone per server. Runs after 0006_anon_unlinkable and touches none of its tables.
--
-- A note for a member, by pseudonym, shown privately the next time they use a command in that
-- server: a moderator rejected or removed their anonymous post after the interaction that
-- could have told them had expired. Only the bot's own wording is stored, never a user id.
CREATE TABLE member_notes (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    pseudonym   TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX member_notes_member ON member_notes (guild_id, pseudonym, id);

-- Members who have had the one-time welcome, by pseudonym (guild 0: direct messages).
CREATE TABLE member_welcomed (
    guild_id    INTEGER NOT NULL,
    pseudonym   TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pseudonym)
);

-- A server resource can be limited to one region (a region code of content/resources.toml);
-- NULL means it applies wherever the member is, which needs no emergency number in it.
ALTER TABLE server_resources ADD COLUMN region TEXT;

-- One timezone per server: /prompts setup used to keep its own. Where both exist, the server
-- takes the prompt schedule's zone, so no daily prompt moves when this runs.
UPDATE guild_settings
SET timezone = (SELECT p.timezone FROM prompt_schedules p WHERE p.guild_id = guild_settings.guild_id)
WHERE guild_id IN (SELECT guild_id FROM prompt_schedules);
