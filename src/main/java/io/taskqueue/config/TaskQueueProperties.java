package io.taskqueue.config;

import io.taskqueue.group.GroupSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything under {@code taskqueue.*}. Each field has a default, so no configuration is needed.
 */
@ConfigurationProperties("taskqueue")
public class TaskQueueProperties {

  /** Folder of the embedded default's data: the H2 database and the Artemis journal. */
  private String dataDir = "./data";

  /** Largest accepted payload in bytes (UTF-8 JSON text); larger input answers 413. */
  private int payloadMaxBytes = 262_144;

  /**
   * Largest accepted body of {@code POST /api/tasks/batch} in bytes; each payload in it is still
   * limited by {@code payload-max-bytes}. Larger input answers 413.
   */
  private int batchMaxBytes = 16 * 1024 * 1024;

  /** Most tasks in one batch: a {@code POST /api/tasks/batch}, a {@code .json} file, a message. */
  private int batchMaxTasks = 10_000;

  /** Latest accepted {@code runAt}, counted from now; a later one answers 400 naming the field. */
  private Duration runAtHorizon = Duration.ofDays(365);

  /**
   * Largest {@code *.json} file of the file ingress in bytes (read whole, all or nothing); a larger
   * one goes to {@code .error} with a reason. {@code *.ndjson} files are streamed, any size.
   */
  private long fileMaxBytes = 16 * 1024 * 1024;

  /** Longest line of an {@code *.ndjson} file in bytes; a longer line is rejected and listed. */
  private int ndjsonLineMaxBytes = 262_144 + 16_384;

  /**
   * Largest message of the JMS ingress ({@code taskqueue.inbox}) in bytes; a larger one goes to
   * {@code taskqueue.inbox.invalid} with the reason.
   */
  private long inboxMessageMaxBytes = 16 * 1024 * 1024;

  public int getBatchMaxTasks() {
    return batchMaxTasks;
  }

  public void setBatchMaxTasks(int batchMaxTasks) {
    this.batchMaxTasks = batchMaxTasks;
  }

  public Duration getRunAtHorizon() {
    return runAtHorizon;
  }

  public void setRunAtHorizon(Duration runAtHorizon) {
    this.runAtHorizon = runAtHorizon;
  }

  public long getFileMaxBytes() {
    return fileMaxBytes;
  }

  public void setFileMaxBytes(long fileMaxBytes) {
    this.fileMaxBytes = fileMaxBytes;
  }

  public int getNdjsonLineMaxBytes() {
    return ndjsonLineMaxBytes;
  }

  public void setNdjsonLineMaxBytes(int ndjsonLineMaxBytes) {
    this.ndjsonLineMaxBytes = ndjsonLineMaxBytes;
  }

  public long getInboxMessageMaxBytes() {
    return inboxMessageMaxBytes;
  }

  public void setInboxMessageMaxBytes(long inboxMessageMaxBytes) {
    this.inboxMessageMaxBytes = inboxMessageMaxBytes;
  }

  /**
   * The file ingress folder (default {@code ${taskqueue.data-dir}/inbox}): {@code *.json} (one task
   * or an array) and {@code *.ndjson} (one task per line) files dropped here are enqueued, then
   * moved to {@code .done}, or to {@code .error} with a {@code <name>.reason} file beside them. A
   * file is picked up once its size and modification time stayed unchanged for a second; writers
   * that cannot guarantee that write under another name (e.g. {@code x.ndjson.part}) and rename
   * when done.
   */
  private String inboxDir;

  /** How long a running attempt owns its task before the rescue may hand it to another node. */
  private Duration lease = Duration.ofSeconds(60);

  /** This instance's name in task owner and history columns; defaults to host name and pid. */
  private String node;

  /** The group a task goes to when neither the task nor a routing rule names one. */
  private String defaultGroup = "default";

  /** Content-based routing rules, tried in order: the first whose type pattern matches wins. */
  private List<RoutingRule> routing = new ArrayList<>();

  /** Resource groups by name; the default group exists even when it is not listed. */
  private Map<String, GroupSettings> groups = new LinkedHashMap<>();

  /**
   * Settings per task type; a type with dots is a bracketed key: {@code
   * taskqueue.types[email.send].handler-timeout=2m}.
   */
  private Map<String, TypeSettings> types = new LinkedHashMap<>();

  /** Graceful shutdown of the workers. */
  private Shutdown shutdown = new Shutdown();

  /**
   * Bytes of messages a broker consumer buffers ahead (Artemis consumerWindowSize). 0: a worker
   * takes a message only when it is free to run it, so a long task holds back nothing.
   */
  private int consumerWindowSize = 0;

  /** Authentication of the HTTP API and the actuator. */
  private Security security = new Security();

  /** Retention of finished tasks. */
  private Retention retention = new Retention();

  /** The rescue timer: expired leases and tasks that never reached the broker. */
  private Rescue rescue = new Rescue();

  /** How this node reads the database clock, the one clock of every shared time decision. */
  private ClockSettings clock = new ClockSettings();

  /** Broker settings the engine applies (embedded) or checks (external). */
  private Broker broker = new Broker();

  public String getDataDir() {
    return dataDir;
  }

  public void setDataDir(String dataDir) {
    this.dataDir = dataDir;
  }

  public int getPayloadMaxBytes() {
    return payloadMaxBytes;
  }

  public void setPayloadMaxBytes(int payloadMaxBytes) {
    this.payloadMaxBytes = payloadMaxBytes;
  }

  public int getBatchMaxBytes() {
    return batchMaxBytes;
  }

  public void setBatchMaxBytes(int batchMaxBytes) {
    this.batchMaxBytes = batchMaxBytes;
  }

  public String getInboxDir() {
    return inboxDir != null ? inboxDir : dataDir + "/inbox";
  }

  public void setInboxDir(String inboxDir) {
    this.inboxDir = inboxDir;
  }

  public Duration getLease() {
    return lease;
  }

  public void setLease(Duration lease) {
    this.lease = lease;
  }

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getDefaultGroup() {
    return defaultGroup;
  }

  public void setDefaultGroup(String defaultGroup) {
    this.defaultGroup = defaultGroup;
  }

  public List<RoutingRule> getRouting() {
    return routing;
  }

  public void setRouting(List<RoutingRule> routing) {
    this.routing = routing;
  }

  public Map<String, GroupSettings> getGroups() {
    return groups;
  }

  public void setGroups(Map<String, GroupSettings> groups) {
    this.groups = groups;
  }

  public Map<String, TypeSettings> getTypes() {
    return types;
  }

  public void setTypes(Map<String, TypeSettings> types) {
    this.types = types;
  }

  public Shutdown getShutdown() {
    return shutdown;
  }

  public void setShutdown(Shutdown shutdown) {
    this.shutdown = shutdown;
  }

  public int getConsumerWindowSize() {
    return consumerWindowSize;
  }

  public void setConsumerWindowSize(int consumerWindowSize) {
    this.consumerWindowSize = consumerWindowSize;
  }

  public Security getSecurity() {
    return security;
  }

  public void setSecurity(Security security) {
    this.security = security;
  }

  public Retention getRetention() {
    return retention;
  }

  public void setRetention(Retention retention) {
    this.retention = retention;
  }

  public Rescue getRescue() {
    return rescue;
  }

  public ClockSettings getClock() {
    return clock;
  }

  public void setClock(ClockSettings clock) {
    this.clock = clock;
  }

  public Broker getBroker() {
    return broker;
  }

  public void setBroker(Broker broker) {
    this.broker = broker;
  }

  public void setRescue(Rescue rescue) {
    this.rescue = rescue;
  }

  /** One routing rule: tasks whose type matches {@code typePattern} go to {@code group}. */
  public static class RoutingRule {

    /** A glob on the task type: {@code *} matches any run of characters, e.g. {@code email.*}. */
    private String typePattern;

    /** The group the matching tasks go to; must be a configured group. */
    private String group;

    public String getTypePattern() {
      return typePattern;
    }

    public void setTypePattern(String typePattern) {
      this.typePattern = typePattern;
    }

    public String getGroup() {
      return group;
    }

    public void setGroup(String group) {
      this.group = group;
    }
  }

  /** Settings of one task type: {@code taskqueue.types.<type>.*}. */
  public static class TypeSettings {

    /** How long a handler of this type may run; unset: its group's handler-timeout. */
    private Duration handlerTimeout;

    public Duration getHandlerTimeout() {
      return handlerTimeout;
    }

    public void setHandlerTimeout(Duration handlerTimeout) {
      this.handlerTimeout = handlerTimeout;
    }

    /**
     * Which exceptions of this type's handler are which error class: {@code errors.<class>} is a
     * list of fully qualified exception class names (classes: {@code validation}, {@code
     * transient}, {@code database}, {@code business}, {@code system}); a listed class matches its
     * subclasses too. Wins over the group's {@code errors} and the built-in classification.
     */
    private Map<String, List<String>> errors = new LinkedHashMap<>();

    /**
     * What a business failure of this type does: {@code retry}, {@code dead-letter} or {@code
     * complete} (the task ends completed with the result {@code {"error": "...", "errorClass":
     * "business"}}). Unset: the group's {@code retry.retry-business} ({@code true}: retry, else
     * dead-letter).
     */
    private io.taskqueue.task.BusinessPolicy business;

    public Map<String, List<String>> getErrors() {
      return errors;
    }

    public void setErrors(Map<String, List<String>> errors) {
      this.errors = errors;
    }

    public io.taskqueue.task.BusinessPolicy getBusiness() {
      return business;
    }

    public void setBusiness(io.taskqueue.task.BusinessPolicy business) {
      this.business = business;
    }
  }

  /** Graceful shutdown: what happens to running handlers when the application stops. */
  public static class Shutdown {

    /**
     * How long a stopping node waits for its running handlers to finish (their outcome is
     * recorded); past it the remaining attempts go back to {@code pending} without spending an
     * attempt (reason {@code shutdown}) and their handlers are interrupted.
     */
    private Duration grace = Duration.ofSeconds(30);

    public Duration getGrace() {
      return grace;
    }

    public void setGrace(Duration grace) {
      this.grace = grace;
    }
  }

  /** Retention of finished tasks. */
  public static class Retention {

    /** Completed and cancelled tasks older than this become {@code archived}. */
    private Duration completed = Duration.ofDays(7);

    /** Metrics rows older than this are deleted. */
    private Duration metrics = Duration.ofDays(30);

    /**
     * Archived tasks older than this (since they were archived) are deleted with their history. The
     * task table is the record; export what must be kept longer.
     */
    private Duration purgeAfter = Duration.ofDays(30);

    /** How often the retention route runs. */
    private Duration interval = Duration.ofMinutes(1);

    /**
     * At most this many rows per statement and run (archive completed, archive cancelled, purge,
     * metrics); the rest wait for the next run. The default keeps up with 50,000 tasks a minute.
     */
    private int batchSize = 50_000;

    public Duration getPurgeAfter() {
      return purgeAfter;
    }

    public void setPurgeAfter(Duration purgeAfter) {
      this.purgeAfter = purgeAfter;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }

    public Duration getCompleted() {
      return completed;
    }

    public void setCompleted(Duration completed) {
      this.completed = completed;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public Duration getMetrics() {
      return metrics;
    }

    public void setMetrics(Duration metrics) {
      this.metrics = metrics;
    }
  }

  /** The rescue timer. */
  public static class Rescue {

    /** How often expired leases and unpublished tasks are looked for. */
    private Duration interval = Duration.ofSeconds(5);

    /**
     * At most this many rows per statement and run: expired leases returned to pending, expired
     * leases dead-lettered, stale pending tasks marked for resending, messages resent. The rest
     * wait for the next run.
     */
    private int batchSize = 500;

    /**
     * A task still pending this long after its last change (and after its runAt) gets its message
     * sent again, in case the broker lost it (a purged queue, a broker restored from an old
     * backup). In a backlog older than this a task may get a second message; the acquire makes it
     * harmless.
     */
    private Duration staleAfter = Duration.ofHours(1);

    public Duration getStaleAfter() {
      return staleAfter;
    }

    public void setStaleAfter(Duration staleAfter) {
      this.staleAfter = staleAfter;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }

    public int getBatchSize() {
      return batchSize;
    }

    public void setBatchSize(int batchSize) {
      this.batchSize = batchSize;
    }
  }

  /** Reading the database clock. */
  public static class ClockSettings {

    /** How often the offset between this node's clock and the database clock is measured. */
    private Duration sampleInterval = Duration.ofSeconds(5);

    public Duration getSampleInterval() {
      return sampleInterval;
    }

    public void setSampleInterval(Duration sampleInterval) {
      this.sampleInterval = sampleInterval;
    }
  }

  /** Broker settings: applied to the embedded broker, checked on an external one. */
  public static class Broker {

    /**
     * How long a notification message (dead-letter queues {@code taskqueue.dlq.<group>}, invalid
     * JMS input {@code taskqueue.inbox.invalid}) stays on the broker before it expires and is
     * removed. The database stays the record of every task; these queues only notify.
     */
    private Duration notificationExpiry = Duration.ofDays(7);

    /**
     * Bytes a notification queue may hold; beyond it new notifications are dropped (the database
     * keeps the task and its reason).
     */
    private long notificationMaxBytes = 64L * 1024 * 1024;

    /**
     * Against an external broker ({@code spring.artemis.mode=native}): {@code fail} refuses to
     * start when the broker's address settings for the task queues would drop, expire or
     * dead-letter task messages; {@code warn} logs the same at ERROR and starts; {@code off} skips
     * the check.
     */
    private SettingsCheck settingsCheck = SettingsCheck.FAIL;

    public Duration getNotificationExpiry() {
      return notificationExpiry;
    }

    public void setNotificationExpiry(Duration notificationExpiry) {
      this.notificationExpiry = notificationExpiry;
    }

    public long getNotificationMaxBytes() {
      return notificationMaxBytes;
    }

    public void setNotificationMaxBytes(long notificationMaxBytes) {
      this.notificationMaxBytes = notificationMaxBytes;
    }

    public SettingsCheck getSettingsCheck() {
      return settingsCheck;
    }

    public void setSettingsCheck(SettingsCheck settingsCheck) {
      this.settingsCheck = settingsCheck;
    }

    /** What the start-up check of an external broker does with a bad setting. */
    public enum SettingsCheck {
      FAIL,
      WARN,
      OFF
    }
  }

  /** HTTP Basic authentication of everything but {@code /actuator/health}. */
  public static class Security {

    /**
     * Require credentials; on in the {@code prod} profile, and whenever a password below is set.
     * Off in the localhost dev default, which refuses to start on any other address.
     */
    private boolean enabled = false;

    /**
     * Deprecated spelling of {@code operator.username}: used (with {@code password}) when no {@code
     * operator.password} is set.
     */
    private String username = "taskqueue";

    /** Deprecated spelling of {@code operator.password}. */
    private String password;

    /** The read-only account: GET requests of the API and the actuator, the export excepted. */
    private Credentials reader = new Credentials("reader");

    /** The operator account: everything the reader may, plus every state change and the export. */
    private Credentials operator = new Credentials("operator");

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public Credentials getReader() {
      return reader;
    }

    public void setReader(Credentials reader) {
      this.reader = reader;
    }

    public Credentials getOperator() {
      return operator;
    }

    public void setOperator(Credentials operator) {
      this.operator = operator;
    }

    /** The operator account in effect: {@code operator.*}, else the deprecated top-level keys. */
    public Credentials effectiveOperator() {
      if (operator.isSet() || !hasText(password)) {
        return operator;
      }
      Credentials legacy = new Credentials(username);
      legacy.setPassword(password);
      return legacy;
    }

    /** Whether requests must authenticate: explicitly enabled, or some password configured. */
    public boolean isRequired() {
      return enabled || reader.isSet() || effectiveOperator().isSet();
    }

    private static boolean hasText(String text) {
      return text != null && !text.isBlank();
    }
  }

  /** One account: a user name and its password. */
  public static class Credentials {

    /** The user name clients send. */
    private String username;

    /**
     * The password: {@code {bcrypt}$2a$10$...} (or any id Spring Security's
     * DelegatingPasswordEncoder knows: {@code {pbkdf2}}, {@code {argon2}}, {@code {noop}} ...), or
     * plain text when it does not start with {@code {}.
     */
    private String password;

    public Credentials() {}

    public Credentials(String username) {
      this.username = username;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public boolean isSet() {
      return password != null && !password.isBlank();
    }
  }
}
