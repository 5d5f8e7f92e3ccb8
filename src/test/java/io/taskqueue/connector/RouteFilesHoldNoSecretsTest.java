package io.taskqueue.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Secrets of connectors come from environment variables or Spring properties, never from the route
 * files in the repository: every password, passphrase, secret, token or key option in a YAML route
 * file (the server's routes/ and connectors/, the examples, the tests' connector routes) is a
 * property placeholder ({@code {{partner.sftp.password}}}, {@code RAW({{...}})}, {@code
 * {{env:NAME}}}) or a bean reference ({@code #name}).
 */
class RouteFilesHoldNoSecretsTest {

  private static final Pattern SECRET_OPTION =
      Pattern.compile(
          "(?i)\\b(password|passphrase|privateKeyPassphrase|secret|secretKey|accessKey|token"
              + "|apiKey|sasl\\.jaas\\.config)\\s*[=:]\\s*\"?([^\"&\\s]*)");

  private static final List<Path> ROOTS =
      List.of(
          Path.of("routes"),
          Path.of("connectors"),
          Path.of("examples"),
          Path.of("src/test/resources/connectors"));

  @Test
  void everySecretOptionIsAPlaceholder() throws IOException {
    List<String> literal = new ArrayList<>();
    int options = 0;
    for (Path root : ROOTS) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> walk = Files.walk(root)) {
        files = walk.filter(p -> p.toString().endsWith(".yaml")).toList();
      }
      for (Path file : files) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i);
          if (line.strip().startsWith("#")) {
            continue;
          }
          Matcher m = SECRET_OPTION.matcher(line);
          while (m.find()) {
            options++;
            String value = m.group(2);
            if (!(value.isEmpty()
                || value.startsWith("{{")
                || value.startsWith("RAW({{")
                || value.startsWith("#"))) {
              literal.add(file + ":" + (i + 1) + ": " + m.group(1) + " = " + value);
            }
          }
        }
      }
    }
    assertThat(literal).as("secrets written into route files").isEmpty();
    // the tests' own connector routes have some: the check looks at something
    assertThat(options).isGreaterThan(3);
  }
}
