package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.task.FailureText;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** An expected handler failure is one sanitised WARN line, not Camel's ERROR with a stack. */
@ExtendWith(OutputCaptureExtension.class)
class HandlerFailureLoggingTest extends TaskQueueTestSupport {

  @Test
  void anExpectedFailureLogsOneLineWithoutAStack(CapturedOutput output) {
    String id = enqueue("{\"type\":\"demo.fail\",\"payload\":{\"kind\":\"validation\"}}");
    awaitStatus(id, "dead_letter");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> output.getOut().lines().anyMatch(l -> l.contains(id)));

    assertThat(output.getAll().lines().filter(l -> l.contains(id)))
        .singleElement()
        .asString()
        .contains("WARN")
        .contains("demo.fail: the input is invalid");
    assertThat(output.getAll())
        .doesNotContain("Failed delivery for")
        .doesNotContain("TaskValidationException: demo.fail: the input is invalid\n\tat ");
  }

  @Test
  void handlerErrorTextIsSanitisedBeforeItIsLoggedAndStored(CapturedOutput output) {
    String forged = "bad\\n2026-11-29 ERROR forged line\\r\\u001b[31mred";
    String id =
        enqueue(
            "{\"type\":\"test.hold\",\"payload\":{\"failRun\":1,\"error\":\""
                + forged
                + "\"},\"maxAttempts\":1}");
    handlers.releaseHold(1);
    awaitStatus(id, "dead_letter");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> output.getOut().lines().anyMatch(l -> l.contains(id)));

    String expected = "bad\\n2026-11-29 ERROR forged line\\r\\u001b[31mred";
    assertThat(row(id).get("last_error").toString())
        .isEqualTo("TransientTaskException: " + expected);
    assertThat(output.getAll().lines().filter(l -> l.contains(id)))
        .singleElement()
        .asString()
        .contains(expected);
    assertThat(output.getAll()).doesNotContain("\n2026-11-29 ERROR forged line");
    assertThat(FailureText.sanitize("x".repeat(10_000)))
        .hasSize(FailureText.MAX_CHARS)
        .endsWith("...");
  }
}
