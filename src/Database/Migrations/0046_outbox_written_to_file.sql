-- A message "sent" in a dry run (or with no SMTP host) was written as an .eml file, not handed to a mail server: status
-- must not call it sent.
alter table outbox add column written_to_file boolean not null default false;
