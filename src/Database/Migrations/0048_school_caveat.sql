-- A school's data-quality caveats as the night worded them (as its digest words them): what the rektor's page shows
-- beside a pupil's figures, which are the night's too. Written for every school the night analyses, one row per school.
create table school_caveat (
    skolenhetskod   char(8) primary key references school,
    as_of           date not null,
    run_id          bigint not null references run,
    caveats         text[] not null
);
