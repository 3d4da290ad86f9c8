-- The web app's sign-in sessions. The cookie carries a random session id; a request is served only while the session's row
-- is open, so signing out ends it on every worker at once — an encrypted cookie alone could not be revoked. Rows of sessions
-- that ended or went idle are removed a day later, as new sessions start.
create table web_session (
    id_hash             bytea primary key,             -- SHA-256 of the cookie's session id; the id itself is only in the browser
    email               text not null,                 -- the signed-in user's e-mail address
    started_at          timestamptz not null,
    seen_at             timestamptz not null,          -- the last request: a session idle longer than SessionLength is over
    ended_at            timestamptz                    -- signed out
);
