-- Kommo pages by number: a record deleted while a backfill runs moves every later record one place up, so one can
-- slip past a page boundary unread. A backfill during which records of its collection were deleted reads the
-- collection once more; this counts the passes.
alter table mirror_sync add column passes integer not null default 0;
