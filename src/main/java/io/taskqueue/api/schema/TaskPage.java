package io.taskqueue.api.schema;

import java.util.List;

/** OpenAPI shape. A page of {@code GET /api/tasks}: pass {@code next} back as {@code cursor}. */
public class TaskPage {
  public List<Task> items;
  public String next;
}
