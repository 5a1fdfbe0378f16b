-- Issue 15: how readily the safety scan's meaning layer flags a message (/setup
-- safety-sensitivity): quiet, balanced or sensitive (bot.safety.semantic.SENSITIVITIES).
-- The patterns are the same at every level.
ALTER TABLE guild_settings ADD COLUMN safety_sensitivity TEXT NOT NULL DEFAULT 'balanced';
