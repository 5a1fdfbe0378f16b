-- Daily reflection prompts. Times are UTC text 'YYYY-MM-DDTHH:MM:SSZ' (sortable); local dates
-- are 'YYYY-MM-DD' in the server's zone.

-- One schedule per server. next_run_at is recomputed from post_time + timezone with zoneinfo
-- after every run, so daylight-saving changes keep the local time.
CREATE TABLE prompt_schedules (
    guild_id         INTEGER PRIMARY KEY,
    channel_id       INTEGER NOT NULL,
    post_time        TEXT    NOT NULL CHECK (post_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    timezone         TEXT    NOT NULL,
    paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    pause_reason     TEXT    CHECK (pause_reason IS NULL OR pause_reason IN
                               ('moderator', 'channel_missing', 'no_permission', 'bot_removed')),
    next_run_at      TEXT    NOT NULL,
    next_local_date  TEXT    NOT NULL,
    use_thread       INTEGER NOT NULL DEFAULT 0 CHECK (use_thread IN (0, 1)),
    ping_role_id     INTEGER,
    reflect_button   INTEGER NOT NULL DEFAULT 1 CHECK (reflect_button IN (0, 1)),
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
-- The due-set query: WHERE paused = 0 AND next_run_at <= ? (partial index, only live rows).
CREATE INDEX prompt_schedules_due ON prompt_schedules (next_run_at) WHERE paused = 0;

-- One row per (server, local date): the claim taken in a transaction BEFORE sending, so a day's
-- prompt is never posted twice. 'claimed': a send is in flight or its outcome is unknown;
-- 'retry': a send failed and will be retried at recheck_at (after looking in the channel for
-- the post first); 'sent': confirmed with message_id; 'missed': given up, with a reason.
CREATE TABLE prompt_posts (
    guild_id      INTEGER NOT NULL,
    local_date    TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('claimed', 'retry', 'sent', 'missed')),
    prompt_key    TEXT,
    prompt_text   TEXT,
    scheduled_at  TEXT    NOT NULL,
    channel_id    INTEGER,
    claim_token   TEXT,
    claimed_at    TEXT,
    recheck_at    TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    message_id    INTEGER,
    thread_id     INTEGER,
    sent_at       TEXT,
    late          INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    reason        TEXT,
    PRIMARY KEY (guild_id, local_date)
);
-- Claims to look at again: stale 'claimed' (recheck_at = claimed_at + stale limit) and 'retry'.
CREATE INDEX prompt_posts_recheck ON prompt_posts (recheck_at)
    WHERE status IN ('claimed', 'retry');

-- A server's own prompts, mixed into its rotation as key 'g:<id>'.
CREATE TABLE prompt_custom (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 10 AND 600),
    added_by    INTEGER NOT NULL,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX prompt_custom_guild ON prompt_custom (guild_id, id);

-- The persisted shuffle bag: every key of the current cycle with a random position; drawn keys
-- stay (drawn = 1) until every prompt has been seen, then a new cycle is shuffled. Keys of
-- removed prompts are dropped; new prompts join the current cycle at a random position.
CREATE TABLE prompt_bag (
    guild_id    INTEGER NOT NULL,
    prompt_key  TEXT    NOT NULL,
    position    REAL    NOT NULL,
    drawn       INTEGER NOT NULL DEFAULT 0 CHECK (drawn IN (0, 1)),
    PRIMARY KEY (guild_id, prompt_key)
);
