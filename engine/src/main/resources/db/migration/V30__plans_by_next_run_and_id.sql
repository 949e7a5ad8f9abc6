-- The scheduler's tick reads the plans it decides a page at a time, by next run then id after the last plan of the
-- page before (keyset paging, docs/design/scheduler.md "A tick at scale"): thousands of plans share one slot, so an
-- index on the next run alone read every plan of the slot for each page. The same index serves the earliest next
-- run, which the lead looks for at every poll.
DROP INDEX plans_by_next_run;
CREATE INDEX plans_by_next_run ON plans (next_run, id);
