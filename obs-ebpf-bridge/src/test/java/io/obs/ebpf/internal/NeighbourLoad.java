// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Child-JVM neighbour workloads of {@link NeighbourCost}: another process on the node, which obs
 * does not trace, doing one kind of kernel work as fast as it can. Prints {@code nanos=} (the
 * timed loop, after a warm-up that lets the JIT finish) and {@code events=} (how many of the
 * workload's kernel events the loop caused).
 *
 * <ul>
 *   <li>{@code switches N}: two threads hand a token back and forth N times with park/unpark;
 *       run pinned to one CPU ({@code taskset}), every hand-off is a context switch (events:
 *       context switches of the process, from /proc/self/task/{@literal *}/status);
 *   <li>{@code segments N}: 1-byte request/response over loopback TCP with TCP_NODELAY, N round
 *       trips (events: TCP segments received on the host, from /proc/net/snmp InSegs);
 *   <li>{@code connections N}: N loopback TCP connections, each connected, accepted, one byte
 *       each way and reset by the client (events: connections).
 * </ul>
 */
public final class NeighbourLoad {
  private NeighbourLoad() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int n = Integer.parseInt(args[1]);
    switch (mode) {
      case "switches" -> {
        switches(n / 10);
        long c0 = contextSwitches();
        long t0 = System.nanoTime();
        switches(n);
        long nanos = System.nanoTime() - t0;
        print(nanos, contextSwitches() - c0);
      }
      case "segments" -> {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
          Thread echo = echoServer(server, true);
          try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            s.setTcpNoDelay(true);
            pingPong(s, n / 10);
            long in0 = inSegments();
            long t0 = System.nanoTime();
            pingPong(s, n);
            long nanos = System.nanoTime() - t0;
            print(nanos, inSegments() - in0);
          }
          echo.join();
        }
      }
      case "connections" -> {
        try (ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress())) {
          Thread echo = echoServer(server, false);
          InetSocketAddress at =
              new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
          connections(at, n / 10);
          long t0 = System.nanoTime();
          connections(at, n);
          long nanos = System.nanoTime() - t0;
          print(nanos, n);
          echo.interrupt();
        }
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  private static void print(long nanos, long events) {
    System.out.println("nanos=" + nanos);
    System.out.println("events=" + events);
  }

  private static volatile int token;

  /** n hand-offs of a token between this thread and a partner, each waking the other. */
  private static void switches(int n) throws InterruptedException {
    Thread self = Thread.currentThread();
    token = 0;
    Thread partner =
        new Thread(
            () -> {
              for (int i = 0; i < n; i++) {
                while (token != 1) {
                  LockSupport.park();
                }
                token = 0;
                LockSupport.unpark(self);
              }
            });
    partner.start();
    for (int i = 0; i < n; i++) {
      token = 1;
      LockSupport.unpark(partner);
      while (token != 0) {
        LockSupport.park();
      }
    }
    partner.join();
  }

  /** Echoes bytes on each accepted connection; serves one connection when {@code single}. */
  private static Thread echoServer(ServerSocket server, boolean single) {
    Thread t =
        new Thread(
            () -> {
              do {
                Socket c;
                try {
                  c = server.accept();
                } catch (IOException e) {
                  return; // the server socket closed: done
                }
                try (c) {
                  c.setTcpNoDelay(true);
                  InputStream in = c.getInputStream();
                  OutputStream out = c.getOutputStream();
                  int b;
                  while ((b = in.read()) >= 0) {
                    out.write(b);
                  }
                } catch (IOException e) {
                  // the client reset the connection (connections mode): next one
                }
              } while (!single);
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void pingPong(Socket s, int n) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    for (int i = 0; i < n; i++) {
      out.write(i & 0x7f);
      if (in.read() < 0) {
        throw new IOException("echo closed");
      }
    }
  }

  private static void connections(InetSocketAddress at, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      try (Socket s = new Socket()) {
        // Close with a reset: thousands of connections a second would otherwise fill the
        // ephemeral port range with TIME_WAIT sockets.
        s.setSoLinger(true, 0);
        s.connect(at);
        s.setTcpNoDelay(true);
        s.getOutputStream().write(1);
        if (s.getInputStream().read() < 0) {
          throw new IOException("echo closed");
        }
      }
    }
  }

  private static long contextSwitches() throws IOException {
    long sum = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String status;
        try {
          status = Files.readString(task.resolve("status"), StandardCharsets.US_ASCII);
        } catch (IOException gone) {
          continue;
        }
        for (String line : status.split("\n")) {
          if (line.startsWith("voluntary_ctxt_switches:")
              || line.startsWith("nonvoluntary_ctxt_switches:")) {
            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          }
        }
      }
    }
    return sum;
  }

  /** The host's TCP InSegs counter: the header line names the column, the next has values. */
  static long inSegments() throws IOException {
    String[] lines = Files.readString(Path.of("/proc/net/snmp")).split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].startsWith("Tcp:") && lines[i + 1].startsWith("Tcp:")) {
        String[] names = lines[i].trim().split("\\s+");
        String[] values = lines[i + 1].trim().split("\\s+");
        for (int k = 0; k < names.length; k++) {
          if (names[k].equals("InSegs")) {
            return Long.parseLong(values[k]);
          }
        }
      }
    }
    throw new IOException("no Tcp InSegs in /proc/net/snmp");
  }
}
