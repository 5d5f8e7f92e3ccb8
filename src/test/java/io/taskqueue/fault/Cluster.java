package io.taskqueue.fault;

import io.taskqueue.support.AppProcess;
import io.taskqueue.support.BrokerProcess;
import io.taskqueue.support.TcpProxy;
import io.taskqueue.support.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The system under fault: a standalone broker (its own JVM), a TCP proxy in front of PostgreSQL,
 * three app nodes from the packaged jar against both, in a fresh schema of their own; and two more
 * node slots ({@link #extras}) for scenarios that start a node with special settings.
 */
final class Cluster implements AutoCloseable {

  static final String LEASE = "3s";

  final Path dir;
  final String schema;
  final BrokerProcess broker;
  final TcpProxy database;
  final List<Node> nodes = new ArrayList<>();

  /** Node slots for scenarios that start a node with special settings (not in {@link #nodes}). */
  final List<Node> extras = new ArrayList<>();

  private final Thread reaper = new Thread(this::killAll, "fault-cluster-reaper");

  private Cluster(Path dir, String schema) throws IOException {
    this.dir = dir;
    this.schema = schema;
    URI pg = URI.create(TestDatabase.url().substring("jdbc:".length()));
    this.database =
        new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort(), AppProcess.freePort());
    this.broker = new BrokerProcess(dir.resolve("broker"), BrokerProcess.freePort());
    String jdbc =
        "jdbc:postgresql://127.0.0.1:"
            + database.port()
            + pg.getPath()
            + (pg.getQuery() == null ? "" : "?" + pg.getQuery());
    for (String name : List.of("node-a", "node-b", "node-c")) {
      nodes.add(new Node(name, dir, args(name, jdbc)));
    }
    for (String name : List.of("node-d", "node-e")) {
      extras.add(new Node(name, dir, args(name, jdbc)));
    }
    // a failsafe JVM that dies (or is killed by a timeout) takes its children with it
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  private List<String> args(String name, String jdbc) {
    return List.of(
        "--taskqueue.node=" + name,
        "--taskqueue.data-dir=" + dir.resolve(name),
        "--taskqueue.lease=" + LEASE,
        "--taskqueue.rescue.interval=1s",
        "--spring.artemis.mode=native",
        "--spring.artemis.broker-url=" + broker.url(),
        "--spring.artemis.user=" + BrokerProcess.USER,
        "--spring.artemis.password=" + BrokerProcess.PASSWORD,
        "--spring.datasource.url=" + jdbc,
        "--spring.datasource.username=" + TestDatabase.user(),
        "--spring.datasource.password=" + TestDatabase.password(),
        "--spring.datasource.hikari.schema=" + schema,
        "--spring.flyway.schemas=" + schema,
        "--spring.flyway.default-schema=" + schema,
        // up to five nodes on one PostgreSQL (max_connections 100, shared with other test runs):
        // 10 connections per node instead of 20, and idle ones given back
        "--spring.datasource.hikari.maximum-pool-size=10",
        "--spring.datasource.hikari.minimum-idle=2",
        "--logging.level.rescue=DEBUG",
        // the fault suite runs with a breaker and a throttle on demo (issue 8): a circuit that
        // opens only when every call of a window fails (the poison scenario), a limit above the
        // suite's rate
        "--taskqueue.groups.demo.circuit-breaker.enabled=true",
        "--taskqueue.groups.demo.circuit-breaker.failure-rate-threshold=100",
        "--taskqueue.groups.demo.circuit-breaker.minimum-calls=20",
        "--taskqueue.groups.demo.circuit-breaker.window=20",
        "--taskqueue.groups.demo.circuit-breaker.open-for=1s",
        "--taskqueue.groups.demo.circuit-breaker.half-open-calls=10",
        "--taskqueue.groups.demo.throttle.max-requests=2000",
        "--taskqueue.groups.demo.throttle.period=1s",
        // GroupsAcrossNodesIT: a breaker, a cluster-wide throttle and a group to pause
        "--taskqueue.groups.guarded.concurrency=4",
        "--taskqueue.groups.guarded.circuit-breaker.enabled=true",
        "--taskqueue.groups.guarded.circuit-breaker.minimum-calls=4",
        "--taskqueue.groups.guarded.circuit-breaker.window=8",
        "--taskqueue.groups.guarded.circuit-breaker.open-for=5s",
        "--taskqueue.groups.guarded.circuit-breaker.half-open-calls=2",
        "--taskqueue.groups.guarded.retry.max-attempts=20",
        "--taskqueue.groups.guarded.retry.initial-delay=200ms",
        "--taskqueue.groups.guarded.retry.max-delay=1s",
        "--taskqueue.groups.throttled.concurrency=4",
        "--taskqueue.groups.throttled.throttle.max-requests=10",
        "--taskqueue.groups.throttled.throttle.period=1s",
        "--taskqueue.groups.throttled.throttle.scope=cluster",
        "--taskqueue.groups.pausable.concurrency=2");
  }

  /** Drops and creates nothing but the schema name; starts broker and the three nodes. */
  static Cluster start(Path dir, String schema) throws Exception {
    TestDatabase.requirePostgres();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    Cluster cluster = new Cluster(dir, schema);
    try {
      cluster.broker.start();
      // the first node migrates the schema; the others start side by side
      cluster.nodes.get(0).start();
      cluster.startAll(cluster.nodes.subList(1, cluster.nodes.size()));
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** (Re)starts every node that is down, in parallel, in its normal configuration. */
  void ensureUp() throws Exception {
    if (!broker.isAlive()) {
      broker.start();
    }
    if (database.isCut()) {
      database.restore();
    }
    startAll(nodes.stream().filter(n -> !n.up()).toList());
  }

  /** Starts the given nodes side by side (normal configuration). */
  void startAll(List<Node> down) throws Exception {
    List<CompletableFuture<Node>> starting = new ArrayList<>();
    for (Node node : down) {
      starting.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return node.start();
                } catch (IOException e) {
                  throw new IllegalStateException(node.name + ": " + e, e);
                }
              }));
    }
    CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
  }

  /** A node that is up (the first one), for reads through the API. */
  AppProcess anyUp() {
    for (Node node : nodes) {
      if (node.up()) {
        return node.app();
      }
    }
    throw new IllegalStateException("No node is up: " + nodes);
  }

  List<Node> upNodes() {
    return nodes.stream().filter(Node::up).toList();
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        TestDatabase.url(), TestDatabase.user(), TestDatabase.password());
  }

  /** Rows of {@code sql} (with {@code ?} parameters) in the cluster's schema, column -> value. */
  List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
    try (Connection c = connect()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET search_path TO " + schema);
      }
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          ps.setObject(i + 1, params[i]);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= columns; i++) {
              row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
            }
            rows.add(row);
          }
        }
        return rows;
      }
    }
  }

  private void killAll() {
    for (Node node : nodes) {
      killQuietly(node);
    }
    for (Node node : extras) {
      killQuietly(node);
    }
    broker.kill();
    try {
      database.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static void killQuietly(Node node) {
    try {
      node.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException ignored) {
      // it is gone
    }
  }

  /** Kills every process (SIGKILL: the suite is over, nothing graceful to wait for). */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }

  /** Drops the run's schema (after a green run; a failed run keeps it for a look). */
  void dropSchema() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
}
