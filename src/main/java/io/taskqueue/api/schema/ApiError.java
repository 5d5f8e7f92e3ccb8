package io.taskqueue.api.schema;

/**
 * OpenAPI shape. Every error: a sentence saying what to do, and the field or parameter at fault (or
 * null).
 */
public class ApiError {
  public String error;
  public String field;
}
