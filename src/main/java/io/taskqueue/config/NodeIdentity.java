package io.taskqueue.config;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import org.springframework.stereotype.Component;

/** This instance's name, written as task owner and in history rows. */
@Component
public class NodeIdentity {

  private final String name;

  public NodeIdentity(TaskQueueProperties properties) {
    String configured = properties.getNode();
    this.name = configured != null && !configured.isBlank() ? configured : hostAndPid();
  }

  public String name() {
    return name;
  }

  private static String hostAndPid() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "localhost";
    }
    return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
  }
}
