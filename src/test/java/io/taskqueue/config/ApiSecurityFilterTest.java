package io.taskqueue.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class ApiSecurityFilterTest {

  private final ApiSecurityFilter filter = new ApiSecurityFilter(properties("s3cret"));

  @Test
  void refusesStateChangesWithoutCredentials() throws Exception {
    MockHttpServletResponse response = run("POST", "/api/tasks", null);
    assertThat(response.getStatus()).isEqualTo(401);
    assertThat(response.getContentAsString()).contains("Authentication required");
  }

  @Test
  void refusesWrongCredentialsAndReads() throws Exception {
    assertThat(run("POST", "/api/tasks", basic("taskqueue", "wrong")).getStatus()).isEqualTo(401);
    assertThat(run("GET", "/api/tasks/x", null).getStatus()).isEqualTo(401);
    assertThat(run("GET", "/actuator/prometheus", null).getStatus()).isEqualTo(401);
  }

  @Test
  void letsTheRightCredentialsAndHealthProbesThrough() throws Exception {
    assertThat(run("POST", "/api/tasks", basic("taskqueue", "s3cret")).getStatus()).isEqualTo(200);
    assertThat(run("GET", "/actuator/health", null).getStatus()).isEqualTo(200);
  }

  @Test
  void refusesToStartWithoutAPassword() {
    assertThatThrownBy(() -> new ApiSecurityFilter(properties("")))
        .hasMessageContaining("TASKQUEUE_SECURITY_PASSWORD");
  }

  private MockHttpServletResponse run(String method, String path, String authorization)
      throws Exception {
    MockHttpServletRequest request = new MockHttpServletRequest(method, path);
    if (authorization != null) {
      request.addHeader("Authorization", authorization);
    }
    MockHttpServletResponse response = new MockHttpServletResponse();
    filter.doFilter(request, response, new MockFilterChain());
    return response;
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static TaskQueueProperties properties(String password) {
    TaskQueueProperties p = new TaskQueueProperties();
    p.getSecurity().setEnabled(true);
    p.getSecurity().setPassword(password);
    return p;
  }
}
