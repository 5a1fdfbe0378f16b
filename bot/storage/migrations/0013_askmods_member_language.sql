-- Issue 19: a moderator's reply reaches an /ask-mods member by DM, outside any interaction, so
-- the member's language (one of bot.i18n.LANGS, from their Discord client when they last wrote)
-- is kept with the conversation. NULL: written before this; the server's language is used.
ALTER TABLE askmods_conversations ADD COLUMN member_lang TEXT;
