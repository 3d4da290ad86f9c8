-- The recipient groups' digests (a class's mentors, elevhälsan), beside the rektorer's.

-- When each group's digest at a school was last composed (sent or not): its cadence counts from here, as school_digest's
-- does for the rektorer. Written by Notifications.
create table group_digest (
    skolenhetskod       char(8) not null references school,
    recipient_group     text not null check (recipient_group in ('Mentor', 'Elevhalsan', 'Skolnarvaroteam')),
    last_composed_on    date not null,
    last_run_id         bigint not null,
    primary key (skolenhetskod, recipient_group)
);

-- Whom a mail was for: the rektorer's digests (and the analysts' run report) are 'Rektor', as every mail before this was.
alter table outbox add column recipient_group text not null default 'Rektor'
    check (recipient_group in ('Rektor', 'Mentor', 'Elevhalsan', 'Skolnarvaroteam'));

-- digest_mail keeps its meaning, the rektorer's digests (what the term report counts as alerts sent): the groups' mails
-- are other people's copies of the same news, not more alerts.
create or replace view digest_mail as
    select run_id, skolenhetskod, sent_at is not null as sent
    from outbox where skolenhetskod is not null and recipient_group = 'Rektor';
