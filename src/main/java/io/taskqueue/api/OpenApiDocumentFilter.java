package io.taskqueue.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves {@value ApiRestConfiguration#OPENAPI_PATH} clean: Camel's generator copied every request
 * header into the answer (an {@code Authorization} header included) and named the server {@code
 * http://0.0.0.0}. Here the answer keeps no header but its content type, and its {@code servers} is
 * the relative {@code /}, so a generated client talks to wherever it fetched the document from.
 */
@Component
public class OpenApiDocumentFilter extends OncePerRequestFilter {

  private static final String BUFFER = OpenApiDocumentFilter.class.getName() + ".buffer";

  private final ObjectMapper json;

  public OpenApiDocumentFilter(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !ApiRestConfiguration.OPENAPI_PATH.equals(request.getRequestURI());
  }

  /** platform-http answers asynchronously: the document is complete in the async dispatch. */
  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Buffered buffered = (Buffered) request.getAttribute(BUFFER);
    if (buffered == null) {
      buffered = new Buffered(response);
      request.setAttribute(BUFFER, buffered);
    }
    chain.doFilter(request, buffered);
    if (request.isAsyncStarted()) {
      return; // written by another thread; finished in the async dispatch
    }
    byte[] body = buffered.bytes();
    if (buffered.getStatus() == 200 && body.length > 0) {
      ObjectNode document = (ObjectNode) json.readTree(body);
      document.putArray("servers").addObject().put("url", "/");
      body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
    }
    // in the async dispatch the container hands the filter our own wrapper again: unwrap it
    HttpServletResponse target = (HttpServletResponse) buffered.getResponse();
    target.setContentType("application/json");
    target.setContentLength(body.length);
    target.getOutputStream().write(body);
  }

  /** Keeps the body and drops every header the generator sets. */
  private static final class Buffered extends HttpServletResponseWrapper {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintWriter writer;

    Buffered(HttpServletResponse response) {
      super(response);
    }

    byte[] bytes() {
      if (writer != null) {
        writer.flush();
      }
      return out.toByteArray();
    }

    @Override
    public void setHeader(String name, String value) {}

    @Override
    public void addHeader(String name, String value) {}

    @Override
    public void setIntHeader(String name, int value) {}

    @Override
    public void addIntHeader(String name, int value) {}

    @Override
    public void setDateHeader(String name, long date) {}

    @Override
    public void addDateHeader(String name, long date) {}

    @Override
    public void setContentType(String type) {}

    @Override
    public void setContentLength(int len) {}

    @Override
    public void setContentLengthLong(long len) {}

    @Override
    public void setCharacterEncoding(String charset) {}

    @Override
    public void flushBuffer() {}

    @Override
    public ServletOutputStream getOutputStream() {
      return new ServletOutputStream() {
        @Override
        public void write(int b) {
          out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          out.write(b, off, len);
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {}
      };
    }

    @Override
    public PrintWriter getWriter() {
      if (writer == null) {
        writer = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8));
      }
      return writer;
    }
  }
}
