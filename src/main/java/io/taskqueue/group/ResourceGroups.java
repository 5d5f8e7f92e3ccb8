package io.taskqueue.group;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.config.TaskQueueProperties.RoutingRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The configured resource groups and the routing rules that pick one for a task type. The default
 * group always exists; the rules are checked at start-up so a typo fails fast.
 */
@Component
public class ResourceGroups {

  /** Group names become queue names, so they keep to the same alphabet as task types. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private final String defaultGroup;
  private final Map<String, GroupSettings> groups;
  private final List<CompiledRule> rules = new ArrayList<>();

  public ResourceGroups(TaskQueueProperties properties) {
    this.defaultGroup = properties.getDefaultGroup();
    Map<String, GroupSettings> all = new LinkedHashMap<>(properties.getGroups());
    all.putIfAbsent(defaultGroup, new GroupSettings());
    for (String name : all.keySet()) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalStateException(
            "Group name '"
                + name
                + "' must match "
                + NAME.pattern()
                + " (it becomes a queue name)");
      }
    }
    this.groups = Collections.unmodifiableMap(all);
    for (RoutingRule rule : properties.getRouting()) {
      if (rule.getTypePattern() == null || rule.getGroup() == null) {
        throw new IllegalStateException("Each taskqueue.routing rule needs type-pattern and group");
      }
      if (!groups.containsKey(rule.getGroup())) {
        throw new IllegalStateException(
            "taskqueue.routing sends '"
                + rule.getTypePattern()
                + "' to group '"
                + rule.getGroup()
                + "', which is not configured under taskqueue.groups");
      }
      rules.add(new CompiledRule(glob(rule.getTypePattern()), rule.getGroup()));
    }
  }

  public String defaultGroup() {
    return defaultGroup;
  }

  public Set<String> names() {
    return groups.keySet();
  }

  public boolean isKnown(String name) {
    return groups.containsKey(name);
  }

  public GroupSettings settings(String name) {
    GroupSettings settings = groups.get(name);
    if (settings == null) {
      throw new IllegalArgumentException("Unknown resource group '" + name + "'");
    }
    return settings;
  }

  /** The group of the first routing rule matching the type, or null when none matches. */
  public String routeByType(String type) {
    for (CompiledRule rule : rules) {
      if (rule.pattern.matcher(type).matches()) {
        return rule.group;
      }
    }
    return null;
  }

  /** The Artemis queue of a group. */
  public static String queueOf(String group) {
    return "taskqueue.group." + group;
  }

  /** The dead-letter queue of a group. */
  public static String deadLetterQueueOf(String group) {
    return "taskqueue.dlq." + group;
  }

  private static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    int literalStart = 0;
    for (int i = 0; i < glob.length(); i++) {
      if (glob.charAt(i) == '*') {
        regex.append(Pattern.quote(glob.substring(literalStart, i))).append(".*");
        literalStart = i + 1;
      }
    }
    regex.append(Pattern.quote(glob.substring(literalStart)));
    return Pattern.compile(regex.toString());
  }

  private record CompiledRule(Pattern pattern, String group) {}
}
