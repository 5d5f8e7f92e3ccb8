package io.taskqueue.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskqueue.config.TaskQueueProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body under {@code /api} while it is read: a body past its limit is refused
 * with 413 after at most limit + 1 bytes, chunked or not, before Camel or Spring MVC reads
 * anything.
 *
 * <p>Why here and not in the route: platform-http reads the whole body into memory while it binds
 * the request, before the first route step runs, so an endless chunked body ended in an {@code
 * OutOfMemoryError} (0.6 s with {@code -Xmx256m}) before any check in the route could run. The body
 * is read here up to its limit and handed on from memory; a request never holds more than its
 * limit.
 */
@Component
public class RequestBodyLimitFilter extends OncePerRequestFilter {

  /** The body limit of the API paths that take no JSON body (cancel, retry, pause...). */
  static final int OTHER_BODY_BYTES = EnqueueApiRoute.ENVELOPE_BYTES;

  private final TaskQueueProperties properties;
  private final ObjectMapper json;

  public RequestBodyLimitFilter(TaskQueueProperties properties, ObjectMapper json) {
    this.properties = properties;
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return !(path.equals("/api") || path.startsWith("/api/"));
  }

  /** The limit of a request and the sentence a 413 says about it. */
  record Limit(long bytes, String explanation) {
    String refusal() {
      return "The request body is larger than " + bytes + " bytes, the limit of " + explanation;
    }
  }

  Limit limitOf(String method, String path) {
    if ("POST".equals(method) && path.equals("/api/tasks")) {
      return forTask(properties.getPayloadMaxBytes());
    }
    if ("POST".equals(method) && path.equals("/api/tasks/batch")) {
      return new Limit(
          properties.getBatchMaxBytes(),
          "POST /api/tasks/batch (taskqueue.batch-max-bytes = "
              + properties.getBatchMaxBytes()
              + ")");
    }
    return new Limit(OTHER_BODY_BYTES, method + " " + path + " (its body is not used)");
  }

  /** The body limit of one task: its payload's plus room for the fields around it. */
  static Limit forTask(int payloadMaxBytes) {
    return new Limit(
        (long) payloadMaxBytes + EnqueueApiRoute.ENVELOPE_BYTES,
        "POST /api/tasks (taskqueue.payload-max-bytes = "
            + payloadMaxBytes
            + " for the payload, plus "
            + EnqueueApiRoute.ENVELOPE_BYTES
            + " bytes for the other fields)");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Limit limit = limitOf(request.getMethod(), request.getRequestURI());
    long declared = request.getContentLengthLong();
    if (declared > limit.bytes()) {
      refuse(response, limit);
      return;
    }
    if (declared == 0 || (declared < 0 && request.getHeader("Transfer-Encoding") == null)) {
      chain.doFilter(request, response); // no body at all
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit.bytes() + 1));
    }
    if (body.length > limit.bytes()) {
      refuse(response, limit);
      return;
    }
    chain.doFilter(new BufferedBodyRequest(request, body), response);
  }

  private void refuse(HttpServletResponse response, Limit limit) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", limit.refusal());
    body.put("field", null);
    response.setStatus(413);
    // the rest of the body is not read: the connection cannot carry another request
    response.setHeader("Connection", "close");
    response.setContentType("application/json");
    response.getOutputStream().write(json.writeValueAsBytes(body));
    response.flushBuffer();
  }

  /** The request with its body already read (and bounded). */
  static final class BufferedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is already read");
        }
      };
    }

    @Override
    public java.io.BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      return new java.io.BufferedReader(
          new java.io.InputStreamReader(
              getInputStream(),
              java.nio.charset.Charset.forName(encoding == null ? "UTF-8" : encoding)));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }

    @Override
    public String getHeader(String name) {
      if ("Content-Length".equalsIgnoreCase(name)) {
        return String.valueOf(body.length);
      }
      if ("Transfer-Encoding".equalsIgnoreCase(name)) {
        return null;
      }
      return super.getHeader(name);
    }
  }
}
