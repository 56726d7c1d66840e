// SPDX-License-Identifier: Apache-2.0
package io.obs.spring.boot.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A test application in a JVM of its own (obs is one instance per JVM, so each service needs its
 * own process), with its standard output and error kept in files under {@code target/}.
 */
final class ChildApp implements AutoCloseable {

  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  final Path out;
  final Path err;
  private final Process process;

  private ChildApp(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** The test class path: the test classes and every dependency, as Maven resolved them. */
  static List<String> classPath() throws IOException {
    List<String> entries = new ArrayList<>();
    entries.add(System.getProperty("obs.test.classes"));
    String file = System.getProperty("obs.test.classpath");
    for (String entry : Files.readString(Path.of(file)).trim().split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.add(entry);
      }
    }
    return entries;
  }

  static ChildApp start(String name, Class<?> main, List<String> args, Map<String, String> env)
      throws IOException {
    return start(name, main, args, env, UnaryOperator.identity());
  }

  /** Starts {@code main} with the test class path, changed by {@code classPath}. */
  static ChildApp start(String name, Class<?> main, List<String> args, Map<String, String> env,
      UnaryOperator<List<String>> classPath) throws IOException {
    Path dir = Path.of("target", "apps");
    Files.createDirectories(dir);
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", String.join(java.io.File.pathSeparator, classPath.apply(classPath())),
        main.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("OBS_") || k.startsWith("OTEL_"));
    builder.environment().putAll(env);
    return new ChildApp(name, builder.start(), out, err);
  }

  /** GETs a path on a port of this application. */
  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return get(port, path, Map.of());
  }

  static HttpResponse<String> get(int port, String path, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Waits until {@code /actuator/health} answers UP on the application's port. */
  void awaitHealthy(int port, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        HttpResponse<String> health = get(port, "/actuator/health");
        last = health.statusCode() + " " + health.body();
        if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
          return;
        }
      } catch (ConnectException | java.net.http.HttpConnectTimeoutException notYet) {
        last = "not listening yet";
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " not healthy within " + timeout + " (" + last + "):\n"
        + output());
  }

  /** Waits for the process to end by itself and returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeout);
    }
    return process.exitValue();
  }

  /** The lines written to standard output so far. */
  List<String> lines() throws IOException {
    return Files.readAllLines(out, StandardCharsets.UTF_8);
  }

  /** What was written to standard error so far. */
  String errors() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  String output() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8) + "\n--- stderr ---\n"
        + Files.readString(err, StandardCharsets.UTF_8);
  }

  /** Stops the application as a container runtime would (SIGTERM), then waits for it. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
