-- Transactions that may be the still uncommitted enqueue of a message whose task row is missing:
-- any other session holding uncommitted changes (H2 does not record when a transaction started).
SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS
 WHERE CONTAINS_UNCOMMITTED AND SESSION_ID <> SESSION_ID()
