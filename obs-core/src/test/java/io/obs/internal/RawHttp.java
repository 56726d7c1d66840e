// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What the endpoint-server tests measure from outside: one request over a fresh loopback
 * connection with its latency, the server's sockets by TCP state (from /proc/net/tcp*), this
 * process's open descriptors, and the endpoint server's threads.
 */
final class RawHttp {

  /** The status (0 when the connection closed or reset without one), the body, the time taken. */
  record Answer(int status, String text, long nanos) {
    double millis() {
      return nanos / 1e6;
    }
  }

  private RawHttp() {}

  /** Sends {@code request} as is on a new connection and reads until the server closes. */
  static Answer exchange(int port, String request, int timeoutMillis) throws IOException {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String text = readAll(socket.getInputStream());
      return new Answer(status(text), text, System.nanoTime() - start);
    } catch (java.net.SocketException reset) {
      return new Answer(0, "", System.nanoTime() - start);
    }
  }

  /** GET of {@code path} with {@code Connection: close}. */
  static Answer get(int port, String path) throws IOException {
    return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        10_000);
  }

  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int read;
      while ((read = in.read(buffer)) != -1) {
        out.write(buffer, 0, read);
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no end of response within the timeout; got: "
          + out.toString(StandardCharsets.ISO_8859_1), e);
    } catch (java.net.SocketException reset) {
      // What arrived before a reset still counts.
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  static int status(String text) {
    if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
      return 0;
    }
    return Integer.parseInt(text.substring(9, 12));
  }

  /** The p-th percentile (0-100) of latencies in milliseconds. */
  static double percentile(List<Double> millis, double p) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** Server-side sockets of {@code port} in a TCP state: "01" ESTABLISHED, "08" CLOSE_WAIT. */
  static int serverSockets(int port, String state) throws IOException {
    int count = 0;
    String localPort = String.format(Locale.ROOT, ":%04X", port);
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(file);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path)) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 3 && fields[1].endsWith(localPort) && fields[3].equals(state)) {
          count++;
        }
      }
    }
    return count;
  }

  /** Open file descriptors of this process. */
  static int openDescriptors() throws IOException {
    try (var files = Files.list(Path.of("/proc/self/fd"))) {
      return (int) files.count();
    }
  }

  /** Live threads of the endpoint server ({@code obs-endpoint-*}). */
  static int endpointThreads() {
    int count = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("obs-endpoint")) {
        count++;
      }
    }
    return count;
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code millis} pass. */
  static boolean await(long millis, Check condition) throws Exception {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (condition.holds()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.holds();
  }

  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }
}
