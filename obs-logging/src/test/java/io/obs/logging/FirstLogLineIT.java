// SPDX-License-Identifier: Apache-2.0
package io.obs.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.logstash.logback.argument.StructuredArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A real JVM that logs with obs's configurator: a plain line, even with {@code kv("order_id",
 * 42)}, is written without loading jackson-databind (the mapper and its few hundred classes are
 * most of what the first log line used to cost); an argument that needs the mapper loads it then.
 * And a line logged before {@code Observability.init()} leaves OpenTelemetry's context storage
 * uninitialised, so the wrappers modules add in {@code init()} still apply; when Logback starts
 * only after {@code init()}, its first line already follows obs.yaml.
 */
class FirstLogLineIT {

  /**
   * The child: one plain line; with {@code pojo} one line whose argument needs the mapper; with
   * {@code wrapper} a line before a context wrapper is added; with {@code after-init} lines
   * logged right after {@code init()} with text format and a level in obs.yaml.
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("after-init")) {
      // Logback starts only after init() (which started the modules in the background): the
      // first line and the levels must already follow obs.yaml.
      io.obs.Observability.builder()
          .setConfigYaml("service:\n  name: after-init\nlogs:\n  format: text\n"
              + "  levels:\n    quiet: warn\n")
          .set("server.enabled", "false")
          .set("metrics.exporter", "none")
          .build();
      LoggerFactory.getLogger("first.line").info("first line after init");
      LoggerFactory.getLogger("quiet").info("hidden by obs.yaml's level");
      LoggerFactory.getLogger("quiet").warn("shown at warn");
      System.exit(0);
    }
    if (args.length > 0 && args[0].equals("span-after-init")) {
      // Right after init(): the logging module starts later, on obs's start-up thread, but a line
      // logged inside a span already carries its ids, and its own thread's name (no SLF4J
      // substitute logger replaying it from another thread).
      io.obs.Observability obs = io.obs.Observability.builder()
          .setConfigYaml("service:\n  name: span-after-init\n")
          .set("server.enabled", "false")
          .set("metrics.exporter", "none")
          .build();
      io.opentelemetry.api.trace.Span span = obs.tracer("it").spanBuilder("work").startSpan();
      try (io.opentelemetry.context.Scope scope = span.makeCurrent()) {
        LoggerFactory.getLogger("first.line").info("inside the span");
      } finally {
        span.end();
      }
      System.out.println("span " + span.getSpanContext().getTraceId() + " "
          + span.getSpanContext().getSpanId());
      System.exit(0);
    }
    org.slf4j.Logger log = LoggerFactory.getLogger("first.line");
    if (args.length > 0 && args[0].equals("pojo")) {
      log.info("order {}", StructuredArguments.kv("order", Map.of("id", 42)));
    } else if (args.length > 0 && args[0].equals("wrapper")) {
      // As obs-ebpf-bridge does in init(), after the application has already logged.
      log.info("before init");
      AtomicBoolean wrapped = new AtomicBoolean();
      ContextStorage.addWrapper(
          storage -> {
            wrapped.set(true);
            return storage;
          });
      Context.current();
      System.out.println("wrapper applied: " + wrapped.get());
    } else {
      log.info("order {} placed", StructuredArguments.kv("order_id", 42));
    }
    // The shutdown hook obs's configurator installs writes out the queue.
    System.exit(0);
  }

  private static List<String> run(Path classLog, String mode) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xlog:class+load=info:file=" + classLog,
            "-cp",
            System.getProperty("java.class.path"),
            FirstLogLineIT.class.getName(),
            mode);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process child = builder.start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    return output.lines().toList();
  }

  private static List<String> databindClasses(Path classLog) throws Exception {
    return Files.readAllLines(classLog).stream()
        .filter(l -> l.contains(" com.fasterxml.jackson.databind."))
        .toList();
  }

  @Test
  void aPlainLineLoadsNoJacksonDatabind(@TempDir Path dir) throws Exception {
    Path classLog = dir.resolve("classes.log");
    List<String> lines = run(classLog, "plain");
    assertThat(lines)
        .anySatisfy(
            l -> assertThat(l).contains("\"message\":\"order order_id=42 placed\"", "\"order_id\":42"));
    assertThat(databindClasses(classLog)).isEmpty();
  }

  @Test
  void aLineBeforeInitLeavesTheContextStorageOpenToWrappers(@TempDir Path dir) throws Exception {
    List<String> lines = run(dir.resolve("classes.log"), "wrapper");
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"message\":\"before init\""));
    assertThat(lines).contains("wrapper applied: true");
  }

  @Test
  void logbackStartingAfterInitFollowsObsYamlFromItsFirstLine(@TempDir Path dir) throws Exception {
    List<String> lines = run(dir.resolve("classes.log"), "after-init");
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).contains(" INFO ").endsWith(" - first line after init"))
        .anySatisfy(l -> assertThat(l).contains(" WARN ").endsWith(" - shown at warn"))
        .noneSatisfy(l -> assertThat(l).contains("hidden by obs.yaml's level"))
        .noneSatisfy(l -> assertThat(l).startsWith("{"));
  }

  @Test
  void aLineInASpanRightAfterInitCarriesItsIds(@TempDir Path dir) throws Exception {
    List<String> lines = run(dir.resolve("classes.log"), "span-after-init");
    String[] ids = lines.stream().filter(l -> l.startsWith("span ")).findFirst().orElseThrow()
        .split(" ");
    assertThat(lines).anySatisfy(l -> assertThat(l)
        .contains("\"message\":\"inside the span\"")
        .contains("\"thread\":\"main\"")
        .contains("\"trace_id\":\"" + ids[1] + "\"")
        .contains("\"span_id\":\"" + ids[2] + "\""));
  }

  @Test
  void anArgumentThatNeedsTheMapperLoadsItThen(@TempDir Path dir) throws Exception {
    Path classLog = dir.resolve("classes.log");
    List<String> lines = run(classLog, "pojo");
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"order\":{\"id\":42}"));
    assertThat(databindClasses(classLog)).isNotEmpty();
  }
}
