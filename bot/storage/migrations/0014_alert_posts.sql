-- Issue 16: in a raid, alerts that pile up while one is being posted go out together, up to five
-- to a post (a digest). A button on such a post re-renders every alert in it, found by the post.
CREATE INDEX safety_alerts_post ON safety_alerts (alert_message_id)
    WHERE alert_message_id IS NOT NULL;
