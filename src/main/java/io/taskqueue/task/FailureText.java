package io.taskqueue.task;

/**
 * Handler error text as it is logged and stored: control characters (CR, LF, tabs, escapes) written
 * as {@code \n}, {@code \r}, {@code \t} or {@code \\uXXXX}, so a message can neither forge log
 * lines nor carry terminal escapes, and cut to a bounded length.
 */
public final class FailureText {

  /** Longest text stored in {@code last_error} or written to the log, in characters. */
  public static final int MAX_CHARS = 2000;

  private FailureText() {}

  /** {@code SimpleClassName: message} of an error, sanitised. */
  public static String describe(Throwable error) {
    if (error == null) {
      return "unknown error";
    }
    return sanitize(error.getClass().getSimpleName() + ": " + error.getMessage());
  }

  /** The text with control characters escaped, at most {@link #MAX_CHARS} characters long. */
  public static String sanitize(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
    int i = 0;
    for (; i < text.length() && out.length() < MAX_CHARS; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (i < text.length()) {
      out.setLength(Math.min(out.length(), MAX_CHARS - 3));
      out.append("...");
    }
    return out.toString();
  }
}
