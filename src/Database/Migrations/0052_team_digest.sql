-- The skolnärvaroteam's weekly digest goes to a team address across the schools that list it, not to one school: its
-- cadence counts from when it was last composed for that address, and a pupil is "ny begäran" when the team's last digest
-- did not hold them (whatever date the request was recorded with). Written by Notifications.
create table team_digest (
    email               text primary key,           -- lower-case, as the registry's address trimmed
    last_composed_on    date not null,
    last_run_id         bigint not null,
    last_told           bytea[] not null,           -- pupil keys (pseudonyms) the last digest held
    -- The digest before the last, for a rerun of the night: "new" still counts from the one before tonight.
    previous_composed_on date,
    previous_told       bytea[]
);
