package io.taskqueue.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Streams tasks as NDJSON (one task object per line, the shape of {@code GET /api/tasks/{id}}) from
 * a database cursor, so an export of any size needs constant memory: rows are fetched {@link
 * #FETCH_SIZE} at a time and each is rendered only when the reader asks for more bytes.
 *
 * <p>An export holds its connection as long as the client reads, which may be minutes. Exports
 * therefore get a pool of their own ({@code taskqueue.export.max-connections}, default 2, with the
 * main pool's settings): a slow or stuck reader can never take the connections enqueue and the
 * workers need; an export that finds every export connection busy waits the pool's {@code
 * connection-timeout} and is answered 503 with {@code Retry-After}.
 */
@Component
public class TaskExporter implements DisposableBean {

  private static final Logger LOG = LoggerFactory.getLogger(TaskExporter.class);

  /** Name of the exports' own connection pool (its metrics carry it as {@code pool}). */
  public static final String POOL_NAME = "taskqueue-export";

  /** Rows the driver holds at a time; PostgreSQL only honours it outside auto-commit. */
  public static final int FETCH_SIZE = 500;

  private final DataSource dataSource;
  private final HikariDataSource ownPool;
  private final ObjectMapper json;

  public TaskExporter(
      DataSource dataSource,
      ObjectMapper json,
      @Value("${taskqueue.export.max-connections:2}") int maxConnections) {
    this.json = json;
    if (dataSource instanceof HikariDataSource main) {
      HikariConfig config = new HikariConfig();
      main.copyStateTo(config);
      config.setPoolName(POOL_NAME);
      config.setMaximumPoolSize(maxConnections);
      config.setMinimumIdle(0); // no connection held while nobody exports
      config.setInitializationFailTimeout(-1); // connect on first use, not at start-up
      config.setRegisterMbeans(false);
      this.ownPool = new HikariDataSource(config);
      this.dataSource = ownPool;
    } else {
      LOG.warn(
          "The DataSource is not Hikari ({}): exports share the application's connection pool",
          dataSource.getClass().getName());
      this.ownPool = null;
      this.dataSource = dataSource;
    }
  }

  /** The exports' own pool, or null when exports share the application's DataSource. */
  public HikariDataSource pool() {
    return ownPool;
  }

  @Override
  public void destroy() {
    if (ownPool != null) {
      ownPool.close();
    }
  }

  /**
   * Opens a cursor over the tasks matching the filter, oldest first. The caller must close the
   * stream (it closes itself when exhausted); closing releases the connection.
   */
  public InputStream open(TaskFilter filter) throws SQLException {
    List<Object> args = new ArrayList<>();
    String sql =
        "SELECT " + TaskReader.TASK_COLUMNS + " FROM tasks" + filter.where(args) + " ORDER BY id";
    Connection connection = dataSource.getConnection();
    try {
      connection.setAutoCommit(false); // a server-side cursor, not the whole result in memory
      connection.setReadOnly(true);
      PreparedStatement statement =
          connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(FETCH_SIZE);
      for (int i = 0; i < args.size(); i++) {
        statement.setObject(i + 1, args.get(i));
      }
      return new NdjsonStream(connection, statement, statement.executeQuery());
    } catch (SQLException | RuntimeException e) {
      release(connection);
      throw e;
    }
  }

  private static void release(Connection connection) {
    try (connection) {
      connection.rollback(); // read only: nothing to keep
      connection.setReadOnly(false);
      connection.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the pool validates and discards a broken connection
    }
  }

  /** One line per row, rendered when the bytes before it have been read. */
  private final class NdjsonStream extends InputStream {

    private static final byte[] EMPTY = new byte[0];

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private byte[] line = EMPTY;
    private int position;
    private boolean closed;

    NdjsonStream(Connection connection, PreparedStatement statement, ResultSet rows) {
      this.connection = connection;
      this.statement = statement;
      this.rows = rows;
    }

    @Override
    public int read() throws IOException {
      return fill() ? line[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(length, line.length - position);
      System.arraycopy(line, position, buffer, offset, n);
      position += n;
      return n;
    }

    /** Makes sure unread bytes are in {@link #line}; false at the end. */
    private boolean fill() throws IOException {
      while (position >= line.length) {
        if (closed) {
          return false;
        }
        try {
          if (!rows.next()) {
            close();
            return false;
          }
          byte[] task = json.writeValueAsBytes(TaskReader.task(rows));
          line = new byte[task.length + 1];
          System.arraycopy(task, 0, line, 0, task.length);
          line[task.length] = '\n';
          position = 0;
        } catch (SQLException e) {
          close();
          throw new IOException("Reading the export cursor failed", e);
        }
      }
      return true;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        rows.close();
        statement.close();
      } catch (SQLException ignored) {
        // the connection is released below either way
      }
      release(connection);
    }
  }
}
