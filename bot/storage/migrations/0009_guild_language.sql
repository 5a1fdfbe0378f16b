-- Issue 19: the server's language (/setup language), one of bot.i18n.LANGS. It is used for what
-- the bot posts to the server (daily prompts, moderator alerts) and for a member whose own
-- Discord language is not one we speak. A member's replies follow their Discord locale.
ALTER TABLE guild_settings ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
