package io.taskqueue.component;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** The one paragraph a route naming an absent scheme turns into (no Spring context needed). */
class MissingComponentFailureAnalyzerTest {

  private final MissingComponentFailureAnalyzer analyzer = new MissingComponentFailureAnalyzer();

  @Test
  void namesTheRouteTheFileTheLineAndTheScheme() {
    Throwable failure =
        new RuntimeCamelException(
            new FailedToCreateRouteException(
                "byoc-missing",
                "file:routes/missing.camel.yaml:5",
                "Route(byoc-missing)[From[task:test.missing] -> [To[nosuch:thing]]]",
                new NoSuchEndpointException("nosuch://thing")));

    FailureAnalysis analysis = analyzer.analyze(failure);

    assertThat(analysis.getDescription())
        .isEqualTo(
            "Route 'byoc-missing' in routes/missing.camel.yaml (line 5) names the scheme 'nosuch'"
                + " (endpoint nosuch://thing), but no Camel component with the scheme 'nosuch' is"
                + " on the classpath.");
    assertThat(analysis.getAction())
        .contains("provides 'nosuch'")
        .contains("into the lib/ folder of the working directory")
        .contains("LOADER_PATH");
  }

  /** Camel 4.17 leaves the location null; the file comes from what RouteSources saw loaded. */
  @Test
  void withoutCamelsLocationTheFileComesFromTheLoadedRoute() {
    RouteDefinition route = new RouteDefinition();
    route.from("task:test.unnamed").routeId("byoc-unnamed");
    route.setResource(ResourceHelper.fromString("file:routes/unnamed.camel.yaml", ""));
    RouteSources.remember(route);
    Throwable failure =
        new FailedToCreateRouteException(
            "byoc-unnamed",
            null,
            route.toString(),
            "to[nosuch:thing]",
            new NoSuchEndpointException("nosuch://thing"));

    assertThat(analyzer.analyze(failure).getDescription())
        .startsWith("Route 'byoc-unnamed' in routes/unnamed.camel.yaml names the scheme 'nosuch'");
  }

  @Test
  void otherFailuresAreLeftToTheOtherAnalyzers() {
    assertThat(analyzer.analyze(new IllegalStateException("something else"))).isNull();
  }

  @Test
  void aLocationWithoutALineIsPrintedAsIs() {
    assertThat(MissingComponentFailureAnalyzer.file("classpath:routes/x.yaml"))
        .isEqualTo("classpath:routes/x.yaml");
    assertThat(MissingComponentFailureAnalyzer.scheme("nosuch:thing?x=1")).isEqualTo("nosuch");
  }
}
