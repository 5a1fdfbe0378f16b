-- Anonymous posts are claimed with a lease: several bot processes may run the sender on one
-- database, and a post whose sender died is taken over once its lease has run out, never
-- while another process still holds it. `resumed` marks a claim that took a post over (it may
-- already be in its channel), set by the claiming statement itself.
ALTER TABLE anon_posts ADD COLUMN lease_until TEXT;
ALTER TABLE anon_posts ADD COLUMN resumed INTEGER NOT NULL DEFAULT 0 CHECK (resumed IN (0, 1));
