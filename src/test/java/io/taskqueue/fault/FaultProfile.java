package io.taskqueue.fault;

import java.time.Duration;

/**
 * Sizes of the fault suite: {@code short} (the default, in CI: every scenario at small N) or {@code
 * long} ({@code ./mvnw verify -Pfault-long}: larger N, longer faults). Chosen by the system
 * property {@code taskqueue.fault.profile}.
 */
record FaultProfile(
    String name,
    int brokerKillTasks,
    Duration brokerKillLoad,
    Duration brokerDown,
    int churnTasks,
    Duration churnLoad,
    int freezeTasks,
    Duration freezeFor,
    int cutTasks,
    Duration cutFor,
    int poisonTasks,
    int skewTasks,
    Duration skewLoad,
    int haltMaxAttempts,
    Duration drain) {

  static final FaultProfile SHORT =
      new FaultProfile(
          "short",
          300,
          Duration.ofSeconds(24),
          Duration.ofSeconds(3),
          200,
          Duration.ofSeconds(45),
          40,
          Duration.ofSeconds(8),
          150,
          Duration.ofSeconds(30),
          100,
          120,
          Duration.ofSeconds(15),
          2,
          Duration.ofSeconds(150));

  static final FaultProfile LONG =
      new FaultProfile(
          "long",
          3000,
          Duration.ofSeconds(90),
          Duration.ofSeconds(10),
          2000,
          Duration.ofSeconds(150),
          300,
          Duration.ofSeconds(20),
          1500,
          Duration.ofSeconds(60),
          500,
          800,
          Duration.ofSeconds(60),
          3,
          Duration.ofSeconds(300));

  static FaultProfile current() {
    String name = System.getProperty("taskqueue.fault.profile", "short");
    return switch (name) {
      case "short", "" -> SHORT;
      case "long" -> LONG;
      default ->
          throw new IllegalArgumentException(
              "taskqueue.fault.profile must be short or long, not " + name);
    };
  }
}
