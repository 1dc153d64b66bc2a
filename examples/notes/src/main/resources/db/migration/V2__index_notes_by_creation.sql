-- GET /notes lists newest first.
create index notes_created_at_idx on notes (created_at desc, id desc);
