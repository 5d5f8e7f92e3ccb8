-- Transactions that may be the still uncommitted enqueue of a message whose task row is missing:
-- any other session of this database whose transaction started before :#TaskCutoff (the message's
-- send time plus a clock-skew margin). Sessions whose details this role may not see count too
-- (never drop a message on a guess).
SELECT COUNT(*) FROM pg_stat_activity
 WHERE pid <> pg_backend_pid() AND datname = current_database()
   AND (xact_start < :#TaskCutoff OR query = '<insufficient privilege>')
