-- See db/migration/postgresql/V5: the error class of a handler failure on the task and in the
-- history row of the transition that recorded it. The history trigger (the Java class
-- io.taskqueue.store.H2HistoryTrigger) copies it; it is created again so that it sees the new
-- columns.
ALTER TABLE tasks ADD COLUMN error_class VARCHAR(32);
ALTER TABLE task_history ADD COLUMN error_class VARCHAR(32);
DROP TRIGGER tasks_history;
CREATE TRIGGER tasks_history AFTER INSERT, UPDATE ON tasks
    FOR EACH ROW CALL 'io.taskqueue.store.H2HistoryTrigger';
