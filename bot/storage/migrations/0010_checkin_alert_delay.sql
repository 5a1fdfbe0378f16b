-- Issue 14 item 8: a check-in alert's time must not narrow down who wrote the check-in.
-- A check-in alert that is not imminent is held back for a random delay (`held_until`, cleared
-- once it is released to the moderators), and `created_at` of a check-in alert keeps only the
-- quarter hour it was due to be shown (bot/safety_service/alert_timing.py). `posted_at` is when
-- the moderators' post went out (what they see anyway, and what the post's id encodes): the
-- re-raise of an unclaimed check-in alert counts from it.
ALTER TABLE safety_alerts ADD COLUMN held_until TEXT;
ALTER TABLE safety_alerts ADD COLUMN posted_at TEXT;
CREATE INDEX safety_alerts_held ON safety_alerts (held_until) WHERE held_until IS NOT NULL;

-- Existing check-in alerts were posted at once: an open one keeps its exact time as posted_at
-- (its post shows it anyway) so its re-raise stays on time; every one keeps a quarter hour
-- (written with CASE, not printf, so the same SQL runs on PostgreSQL).
UPDATE safety_alerts SET posted_at = created_at
    WHERE source = 'checkin' AND alert_message_id IS NOT NULL AND status = 'open';
UPDATE safety_alerts
    SET created_at = substr(created_at, 1, 14)
        || CASE
            WHEN substr(created_at, 15, 2) < '15' THEN '00'
            WHEN substr(created_at, 15, 2) < '30' THEN '15'
            WHEN substr(created_at, 15, 2) < '45' THEN '30'
            ELSE '45'
        END
        || ':00' || substr(created_at, 20)
    WHERE source = 'checkin';
