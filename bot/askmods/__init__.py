"""Anonymous member-to-moderator conversations (/ask-mods): identity (purpose pseudonym and the
sealed delivery id), storage, rules, reply builders, the Discord side, buttons and modals."""
