-- Delivery bookkeeping for the outbox: who holds a message right now, which attempts ended without an outcome, and
-- which messages were given up after the last allowed attempt (kept, with their last error, for ops to see).
alter table outbox
    -- The attempt in flight: set when a sender claims the message, cleared when it records the outcome. A sender's
    -- failure mark only applies while the token is still its own, so a sender whose lease ran out cannot reschedule a
    -- message another sender has claimed since.
    add column claim_token uuid,
    add column attempt_started_at timestamptz,
    -- Attempts whose sender stopped (killed, crashed, lost the database) before recording an outcome. Each may have
    -- delivered the mail, so each is a possible duplicate (sent again with the same Message-Id).
    add column interrupted_attempts int not null default 0,
    -- Set after the last allowed attempt failed: never retried automatically; last_error says why.
    add column gave_up_at timestamptz;

drop index outbox_pending;
create index outbox_due on outbox (next_attempt_at) where sent_at is null and gave_up_at is null;
