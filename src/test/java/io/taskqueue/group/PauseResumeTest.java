package io.taskqueue.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/groups/{name}/pause|resume}: a paused group takes no task (they stay pending,
 * its depth grows, enqueue answers 202), the flag is persisted for every node, and resume runs them
 * all. Both are safe to repeat; an unknown group is a 404 that changes nothing.
 */
class PauseResumeTest extends TaskQueueTestSupport {

  @AfterEach
  void resume() {
    post("/api/groups/throttled/resume", "");
  }

  @Test
  void aPausedGroupKeepsItsTasksPendingUntilResumed() {
    var paused = post("/api/groups/throttled/pause", "");
    assertThat(paused.statusCode()).isEqualTo(200);
    assertThat(json(paused.body()).get("paused").asBoolean()).isTrue();
    assertThat(post("/api/groups/throttled/pause", "").statusCode()).isEqualTo(200);
    assertThat(
            jdbc.queryForObject(
                "SELECT paused FROM group_control WHERE resource_group = 'throttled'",
                Boolean.class))
        .isTrue();

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(
          enqueue(
              "{\"type\":\"demo.echo\",\"group\":\"throttled\",\"payload\":{\"i\":" + i + "}}"));
    }
    // another group keeps running meanwhile
    String other = enqueue("{\"type\":\"demo.echo\",\"payload\":{\"other\":true}}");
    awaitStatus(other, "completed");
    JsonNode group = json(get("/api/groups/throttled").body());
    assertThat(group.get("paused").asBoolean()).isTrue();
    assertThat(group.get("depth").asLong()).isGreaterThanOrEqualTo(5);
    // the other group's task ran after these were enqueued: a worker of "throttled" had every
    // chance to take them too
    assertThat(ids).allSatisfy(id -> assertThat(status(id)).isEqualTo("pending"));

    var resumed = post("/api/groups/throttled/resume", "");
    assertThat(resumed.statusCode()).isEqualTo(200);
    assertThat(json(resumed.body()).get("paused").asBoolean()).isFalse();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ids.stream().allMatch(id -> "completed".equals(status(id))));
    for (String id : ids) {
      assertThat(row(id).get("attempts")).isEqualTo(1);
    }
  }

  @Test
  void anUnknownGroupIsNotFoundAndNothingIsWritten() {
    var response = post("/api/groups/nope/pause", "");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("nope");
    assertThat(count("SELECT COUNT(*) FROM group_control WHERE resource_group = 'nope'")).isZero();
  }
}
