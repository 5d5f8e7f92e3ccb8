package io.taskqueue.flow;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.task.BusinessPolicy;
import io.taskqueue.task.TaskFailureKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * Classifies a handler's exception into its error class ({@link TaskFailureKind}) for a task's
 * group and type, and says what a business failure of a type does ({@link BusinessPolicy}).
 *
 * <p>The mapping from exception classes to error classes is configured per type ({@code
 * taskqueue.types[<type>].errors.<class>: [fully.qualified.Exception, ...]}) and per group ({@code
 * taskqueue.groups.<g>.errors.<class>: [...]}). The type's mapping is tried first, then the
 * group's, then the built-in one ({@link TaskFailureKind#of}); each looks at the whole cause chain,
 * outermost exception first, and a listed class matches its subclasses too (when one exception
 * matches several listed classes of one mapping, the most specific wins). The class names are
 * resolved once, at start-up: an unknown class, one that is no {@link Throwable}, or an unknown
 * error class stops the application with a message naming the property.
 */
@Component
public class ErrorClassifier {

  /** One listed exception class and the error class it maps to. */
  private record Entry(Class<?> exception, TaskFailureKind kind) {}

  private final Map<String, List<Entry>> byGroup;
  private final Map<String, List<Entry>> byType;
  private final Map<String, BusinessPolicy> businessByType;
  private final Map<String, Boolean> retryBusinessByGroup;

  public ErrorClassifier(TaskQueueProperties properties) {
    // the application's class loader (in the executable jar: the one of BOOT-INF/classes and lib)
    ClassLoader loader = ClassUtils.getDefaultClassLoader();
    Map<String, List<Entry>> groups = new LinkedHashMap<>();
    Map<String, Boolean> retryBusiness = new LinkedHashMap<>();
    properties
        .getGroups()
        .forEach(
            (name, settings) -> {
              groups.put(
                  name,
                  compile("taskqueue.groups." + name + ".errors", settings.getErrors(), loader));
              retryBusiness.put(name, settings.getRetry().isRetryBusiness());
            });
    Map<String, List<Entry>> types = new LinkedHashMap<>();
    Map<String, BusinessPolicy> business = new LinkedHashMap<>();
    properties
        .getTypes()
        .forEach(
            (type, settings) -> {
              types.put(
                  type,
                  compile("taskqueue.types[" + type + "].errors", settings.getErrors(), loader));
              if (settings.getBusiness() != null) {
                business.put(type, settings.getBusiness());
              }
            });
    this.byGroup = Collections.unmodifiableMap(groups);
    this.byType = Collections.unmodifiableMap(types);
    this.businessByType = Collections.unmodifiableMap(business);
    this.retryBusinessByGroup = Collections.unmodifiableMap(retryBusiness);
  }

  /**
   * The error class of a handler's exception for a task of {@code type} in {@code group}: the
   * type's mapping, else the group's, else the built-in classification. Never null; a null error is
   * {@link TaskFailureKind#SYSTEM}.
   */
  public TaskFailureKind classify(String group, String type, Throwable error) {
    TaskFailureKind kind = match(byType.get(type), error);
    if (kind == null) {
      kind = match(byGroup.get(group), error);
    }
    return kind != null ? kind : TaskFailureKind.of(error);
  }

  /**
   * What a business failure of a task of {@code type} in {@code group} does: the type's {@code
   * business} policy, else the group's {@code retry.retry-business} (retry when true, else
   * dead-letter).
   */
  public BusinessPolicy businessPolicy(String group, String type) {
    BusinessPolicy policy = businessByType.get(type);
    if (policy != null) {
      return policy;
    }
    return Boolean.TRUE.equals(retryBusinessByGroup.get(group))
        ? BusinessPolicy.RETRY
        : BusinessPolicy.DEAD_LETTER;
  }

  private static TaskFailureKind match(List<Entry> entries, Throwable error) {
    if (entries == null || entries.isEmpty()) {
      return null;
    }
    int depth = 0;
    for (Throwable t = error;
        t != null && depth < TaskFailureKind.MAX_CAUSES;
        t = t.getCause(), depth++) {
      Entry best = null;
      for (Entry entry : entries) {
        if (entry.exception().isInstance(t)
            && (best == null || best.exception().isAssignableFrom(entry.exception()))) {
          best = entry;
        }
      }
      if (best != null) {
        return best.kind();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * Resolves one {@code errors} map; throws naming the property at fault ({@code
   * taskqueue.groups.g.errors.database[1]}).
   */
  static List<Entry> compile(
      String property, Map<String, List<String>> errors, ClassLoader loader) {
    List<Entry> entries = new ArrayList<>();
    if (errors == null) {
      return entries;
    }
    errors.forEach(
        (className, exceptions) -> {
          TaskFailureKind kind = TaskFailureKind.parse(className);
          if (kind == null) {
            throw new ErrorClassConfigurationException(
                property
                    + "."
                    + className
                    + ": '"
                    + className
                    + "' is no error class; use one of validation, transient, database,"
                    + " business, system");
          }
          List<String> names = exceptions == null ? List.of() : exceptions;
          for (int i = 0; i < names.size(); i++) {
            String name = names.get(i) == null ? "" : names.get(i).trim();
            String at = property + "." + kind.wireName() + "[" + i + "]";
            Class<?> type;
            try {
              type = ClassUtils.forName(name, loader);
            } catch (ClassNotFoundException | LinkageError | IllegalArgumentException e) {
              throw new ErrorClassConfigurationException(
                  at
                      + ": no exception class '"
                      + name
                      + "' on the classpath (give the fully qualified name, e.g."
                      + " java.net.ConnectException)",
                  e);
            }
            if (!Throwable.class.isAssignableFrom(type)) {
              throw new ErrorClassConfigurationException(
                  at + ": " + type.getName() + " is not an exception (no java.lang.Throwable)");
            }
            entries.add(new Entry(type, kind));
          }
        });
    return entries;
  }

  /** A wrong {@code errors} mapping: the message names the property and what is wrong. */
  public static class ErrorClassConfigurationException extends IllegalStateException {
    public ErrorClassConfigurationException(String message) {
      super(message);
    }

    public ErrorClassConfigurationException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
