package io.taskqueue.config.security;

import io.taskqueue.config.TaskQueueProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Spring Security for the API and the actuator: HTTP Basic against the reader and operator accounts
 * of {@code taskqueue.security.*}, stateless (no session, no cookie), behind Spring Security's
 * firewall ({@code StrictHttpFirewall}: encoded slashes, {@code ..}, {@code ;} and the like are
 * refused with 400 before any route sees them).
 *
 * <p>Who may do what (see {@link Roles}): {@code /actuator/health/**} is open; {@code GET
 * /api/tasks/export} needs the operator; any other GET or HEAD needs the reader or the operator;
 * every other method needs the operator. With {@code taskqueue.security.enabled=false} and no
 * password (the localhost dev default) every request passes, through the same firewall and the same
 * {@link CrossSiteRequestGuard}.
 *
 * <p>Hawtio and Jolokia: add a {@code SecurityFilterChain} bean ordered before this one
 * ({@code @Order(ApiSecurityConfiguration.ORDER - 1)}) whose {@code securityMatcher} is {@code
 * /actuator/hawtio/**} and {@code /actuator/jolokia/**}; it shares the {@link UserDetailsService}
 * and {@link PasswordEncoder} beans below and the {@link Roles}, and may keep a session and CSRF
 * protection of its own for the browser console.
 */
@Configuration(proxyBeanMethods = false)
public class ApiSecurityConfiguration {

  /** The order of {@link #apiSecurity}: the catch-all chain, after any more specific one. */
  public static final int ORDER = 100;

  /** The one path that needs no credentials: probes of load balancers and Kubernetes. */
  public static final String[] OPEN_PATHS = {"/actuator/health", "/actuator/health/**"};

  /** Bulk data: every task with its payload and result, so it needs the operator. */
  public static final String EXPORT_PATH = "/api/tasks/export";

  @Bean
  @Order(ORDER)
  public SecurityFilterChain apiSecurity(HttpSecurity http, TaskQueueProperties properties)
      throws Exception {
    ApiAuthenticationErrors errors = new ApiAuthenticationErrors();
    http
        // a stateless JSON API for programs, authenticated on every request by a header a
        // browser does not attach on its own... except Basic credentials it cached: the
        // CrossSiteRequestGuard refuses cross-site state changes instead of CSRF tokens, which
        // a curl or service client could not obtain without a session
        .csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .formLogin(form -> form.disable())
        .logout(logout -> logout.disable())
        .anonymous(anonymous -> {})
        .addFilterBefore(new CrossSiteRequestGuard(), BasicAuthenticationFilter.class)
        .exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors));
    if (!properties.getSecurity().isRequired()) {
      http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
      return http.build();
    }
    http.httpBasic(basic -> basic.realmName(ApiAuthenticationErrors.REALM))
        .authorizeHttpRequests(
            auth ->
                auth
                    // error dispatches re-enter the chain; the first pass decided already
                    .dispatcherTypeMatchers(
                        jakarta.servlet.DispatcherType.ERROR, jakarta.servlet.DispatcherType.ASYNC)
                    .permitAll()
                    .requestMatchers(HttpMethod.GET, OPEN_PATHS)
                    .permitAll()
                    .requestMatchers(HttpMethod.HEAD, OPEN_PATHS)
                    .permitAll()
                    .requestMatchers(EXPORT_PATH)
                    .hasRole(Roles.OPERATOR)
                    .requestMatchers(HttpMethod.GET)
                    .hasAnyRole(Roles.READER, Roles.OPERATOR)
                    .requestMatchers(HttpMethod.HEAD)
                    .hasAnyRole(Roles.READER, Roles.OPERATOR)
                    .anyRequest()
                    .hasRole(Roles.OPERATOR));
    return http.build();
  }

  /** A request the firewall refuses answers 400 in the API's error shape, not an empty body. */
  @Bean
  public RequestRejectedHandler requestRejectedHandler() {
    return (request, response, rejected) ->
        ApiAuthenticationErrors.write(response, 400, "Request rejected: " + rejected.getMessage());
  }

  /**
   * Passwords as Spring Security stores them, {@code {id}encoded}: {@code {bcrypt}}, {@code
   * {pbkdf2}}, {@code {argon2}}, {@code {scrypt}}, {@code {noop}} ... A password that does not
   * start with {@code {} is plain text (as {@code {noop}}), so existing plain-text settings keep
   * working.
   */
  @Bean
  public PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  /** The configured accounts; none when security is off (no generated default password). */
  @Bean
  public UserDetailsService taskQueueUsers(TaskQueueProperties properties) {
    TaskQueueProperties.Security security = properties.getSecurity();
    List<UserDetails> users = new ArrayList<>();
    if (security.isRequired()) {
      TaskQueueProperties.Credentials operator = security.effectiveOperator();
      users.add(user(operator, Roles.OPERATOR));
      TaskQueueProperties.Credentials reader = security.getReader();
      if (reader.isSet()) {
        if (reader.getUsername().equals(operator.getUsername())) {
          throw new UnsafeConfigurationException(
              "taskqueue.security.reader.username and the operator's user name are both '"
                  + reader.getUsername()
                  + "'",
              "Give the reader account its own name (TASKQUEUE_SECURITY_READER_USERNAME).");
        }
        users.add(user(reader, Roles.READER));
      }
    }
    return new InMemoryUserDetailsManager(users);
  }

  private static UserDetails user(TaskQueueProperties.Credentials credentials, String role) {
    String password = credentials.getPassword();
    String stored = password.startsWith("{") ? password : "{noop}" + password;
    return User.withUsername(credentials.getUsername()).password(stored).roles(role).build();
  }
}
