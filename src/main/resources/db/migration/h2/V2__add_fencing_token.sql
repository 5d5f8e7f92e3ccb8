-- The fencing token of a task: incremented by every acquire and never reset (a redrive resets
-- attempts, not fence), so each attempt ever started has its own number. Completion, failure,
-- heartbeat and release are guarded by it: an attempt from before a rescue or a redrive changes
-- nothing.
ALTER TABLE tasks ADD COLUMN fence BIGINT NOT NULL DEFAULT 0;
-- tasks running before this migration: their attempt number was their fence so far
UPDATE tasks SET fence = attempts;
