package io.taskqueue.task;

import java.security.SecureRandom;
import java.util.UUID;

/** Time-ordered task ids: UUID version 7 (48 bits of epoch millis, then random bits). */
public final class TaskIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TaskIds() {}

  public static UUID next() {
    long millis = System.currentTimeMillis();
    long randA = RANDOM.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** Parses an id from the API, or returns null when it is not a UUID. */
  public static UUID parseOrNull(String value) {
    if (value == null || value.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
