package io.taskqueue.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/** Writes JSON answers (UTF-8 bytes, so no platform charset can change a payload). */
@Component
public class ApiResponses {

  private final ObjectMapper json;

  public ApiResponses(ObjectMapper json) {
    this.json = json;
  }

  public void json(Exchange exchange, int status, Object body) {
    Message out = exchange.getMessage();
    out.removeHeaders("*"); // internal headers never leave as HTTP headers
    try {
      out.setBody(json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the answer as JSON", e);
    }
    out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    out.setHeader(Exchange.CONTENT_TYPE, "application/json");
  }

  public void error(Exchange exchange, int status, String message, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("field", field);
    json(exchange, status, body);
  }
}
