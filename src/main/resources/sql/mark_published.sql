-- the message was sent: the rescue no longer needs to resend this task
UPDATE tasks SET published = TRUE
 WHERE id = CAST(:#TaskId AS UUID) AND status = 'pending' AND published = FALSE
