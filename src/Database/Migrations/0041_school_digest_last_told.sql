-- The date of the school's last digest that was recorded for sending: what "sedan förra sammanfattningen" refers to.
-- last_composed_on also moves on a digest day with no news, when nothing is sent.
alter table school_digest add column last_told_on date;

update school_digest sd set last_told_on = (
    select max(r.as_of) from outbox o join run r on r.id = o.run_id where o.skolenhetskod = sd.skolenhetskod);
