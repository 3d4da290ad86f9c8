-- Who mentors which class, from the roster each school sends (mentorer*.csv in its inbox). Mentors are staff: their
-- names and addresses are stored; no pupil appears here.

-- Every roster file read: imported (it changed who mentors what), or rejected with its (masked) message. A file with
-- the same content as the roster in force is not read again and not recorded.
create table roster_import (
    id                  bigint generated always as identity primary key,
    skolenhetskod       char(8) not null references school,
    file_name           text not null,
    content_sha256      bytea not null,
    night               date not null,              -- the night from which the roster is in force (Europe/Stockholm)
    status              text not null check (status in ('Imported', 'Rejected')),
    imported_at         timestamptz not null,
    run_id              bigint,                     -- the nightly run that read it; null for the import command
    lines_total         int not null default 0,
    mentor_rows         int not null default 0,
    mentors_added       int not null default 0,
    mentors_ended       int not null default 0,
    message             text not null
);
create index roster_import_school on roster_import (skolenhetskod, imported_at);

-- One mentor of one class over the nights they were in force: from valid_from (inclusive) until valid_until
-- (exclusive, null while in force). A roster replaced on the night it came into force leaves an empty range
-- (valid_until = valid_from): it was never anyone's roster for a night, but it is kept with the import that ended it.
create table class_mentor (
    id                  bigint generated always as identity primary key,
    skolenhetskod       char(8) not null references school,
    class_name          text not null check (class_name <> ''),
    mentor_name         text not null check (mentor_name <> ''),
    email               text not null check (email <> ''),
    valid_from          date not null,
    valid_until         date,
    opened_by           bigint not null references roster_import,
    closed_by           bigint references roster_import,
    check (valid_until is null or valid_until >= valid_from),
    check ((valid_until is null) = (closed_by is null))
);
create unique index class_mentor_in_force on class_mentor (skolenhetskod, lower(class_name), email) where valid_until is null;
create index class_mentor_school_nights on class_mentor (skolenhetskod, valid_from, valid_until);
