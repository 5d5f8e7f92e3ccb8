package io.taskqueue.store;

import com.fasterxml.jackson.databind.util.RawValue;

/** Stored JSON text written into API responses as it is, so payloads come back byte for byte. */
public final class RawJson {

  private RawJson() {}

  /** The text as a raw JSON value, or null (JSON null) when the column is null. */
  public static RawValue of(String json) {
    return json == null ? null : new RawValue(json);
  }
}
