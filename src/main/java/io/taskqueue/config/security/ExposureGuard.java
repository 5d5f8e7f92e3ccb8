package io.taskqueue.config.security;

import io.taskqueue.config.TaskQueueProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Start-up refusals, checked before any bean is created (so before the broker starts or a database
 * file is made):
 *
 * <ul>
 *   <li>no credentials while listening on anything but a loopback address: the open dev default
 *       must not become an open server by setting {@code server.address};
 *   <li>security required ({@code taskqueue.security.enabled}, the {@code prod} profile) but no
 *       operator password;
 *   <li>the {@code prod} profile on H2: H2 is the embedded development store only.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class ExposureGuard {

  public static final String PROD_PROFILE = "prod";

  @Bean
  public static BeanFactoryPostProcessor taskQueueExposureGuard(Environment environment) {
    return (ConfigurableListableBeanFactory beanFactory) -> check(environment);
  }

  static void check(Environment environment) {
    TaskQueueProperties.Security security =
        Binder.get(environment)
            .bind("taskqueue.security", TaskQueueProperties.Security.class)
            .orElseGet(TaskQueueProperties.Security::new);
    if (security.isRequired() && !security.effectiveOperator().isSet()) {
      throw new UnsafeConfigurationException(
          "Authentication is required (taskqueue.security.enabled=true or the prod profile) but"
              + " no operator password is set",
          "Set TASKQUEUE_SECURITY_OPERATOR_USERNAME and TASKQUEUE_SECURITY_OPERATOR_PASSWORD"
              + " (taskqueue.security.operator.*; {bcrypt}... or plain text), and for read-only"
              + " clients TASKQUEUE_SECURITY_READER_USERNAME and"
              + " TASKQUEUE_SECURITY_READER_PASSWORD.");
    }
    if (!security.isRequired()) {
      for (String key : new String[] {"server.address", "management.server.address"}) {
        String address = environment.getProperty(key);
        boolean separate = key.startsWith("management.");
        String managementPort = environment.getProperty("management.server.port");
        if (separate && (managementPort == null || managementPort.trim().equals("-1"))) {
          continue; // the actuator shares the server's port and address, or has no HTTP port
        }
        // a separate management port binds every interface unless management.server.address
        // says otherwise: it does not inherit server.address
        if (!isLoopback(address)) {
          throw new UnsafeConfigurationException(
              "No credentials are configured but "
                  + key
                  + " is "
                  + (address == null ? "not set (every interface)" : "'" + address + "'")
                  + ", not a loopback address: the API would be open to the network",
              "Set TASKQUEUE_SECURITY_OPERATOR_USERNAME and TASKQUEUE_SECURITY_OPERATOR_PASSWORD"
                  + " (and TASKQUEUE_SECURITY_READER_* for read-only clients), or use the prod"
                  + " profile (SPRING_PROFILES_ACTIVE=prod), or listen on localhost only"
                  + " (SERVER_ADDRESS=127.0.0.1).");
        }
      }
    }
    String url = environment.getProperty("spring.datasource.url", "");
    if (environment.matchesProfiles(PROD_PROFILE) && url.startsWith("jdbc:h2:")) {
      throw new UnsafeConfigurationException(
          "The prod profile refuses H2 (spring.datasource.url is '"
              + url
              + "'): H2 is the embedded development store",
          "Point the application at PostgreSQL: SPRING_DATASOURCE_URL="
              + "jdbc:postgresql://host:5432/db, SPRING_DATASOURCE_USERNAME and"
              + " SPRING_DATASOURCE_PASSWORD.");
    }
  }

  static boolean isLoopback(String address) {
    if (address == null || address.isBlank()) {
      return false;
    }
    try {
      for (InetAddress resolved : InetAddress.getAllByName(address.trim())) {
        if (!resolved.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
