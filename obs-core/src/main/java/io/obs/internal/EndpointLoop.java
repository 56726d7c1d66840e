// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The endpoint server's one I/O thread: it accepts, reads and
 * parses requests, and writes responses, all non-blocking, with a deadline on every connection.
 * Only a complete request reaches {@link Router}; a client that sends slowly, stops halfway or
 * does not read its response costs a connection slot until its deadline, never a thread.
 *
 * <p>The limits: at most {@code maxConnections} served connections; past it an idle kept-alive
 * connection is closed to make room, else the new one is answered 503 and closed. Connections
 * being turned away or closed after an error answer linger up to {@link #DRAIN_NANOS} to read
 * what the client still sends (closing with unread bytes would reset the connection and lose the
 * answer); at most {@code maxConnections} of them, beyond that they are closed at once. So the
 * server holds at most {@code 2 × maxConnections} sockets whatever clients do.
 */
final class EndpointLoop implements Runnable {

  /** Decides what a complete request gets; runs on the I/O thread, so it must not block. */
  interface Router {
    /**
     * Returns the reply to send now, or null when the request went to a worker that will call
     * {@link #complete}.
     */
    @Nullable
    Reply route(Connection connection, HttpRequestParser.Head head);

    /**
     * The liveness probe's reply when {@code head} asks for it, else null: a connection over the
     * limit still gets it, so a flood does not fail the probe and restart the process.
     */
    @Nullable
    Reply probe(HttpRequestParser.Head head);
  }

  /** Encoded response bytes and whether the connection closes after them. */
  record Reply(byte[] bytes, boolean close) {}

  private static final int READ_BUFFER_BYTES = 4096;
  private static final long TICK_MILLIS = 100;
  static final long DRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final int DRAIN_BYTES = 64 * 1024;
  private static final int ACCEPTS_PER_ROUND = 256;
  private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private enum Phase { IDLE, READING, HANDLING, WRITING, DRAINING, CLOSED }

  /** One accepted connection; touched by the I/O thread only. */
  static final class Connection {
    private final SocketChannel channel;
    private final EndpointTransport transport;
    private final HttpRequestParser parser;
    private final boolean turnedAway;
    private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES).flip();
    private @Nullable SelectionKey key;
    private Phase phase = Phase.READING;
    private long deadline;
    private long idleSince;
    private ByteBuffer out = ByteBuffer.allocate(0);
    private boolean closeAfterWrite;
    private int drained;

    Connection(SocketChannel channel, EndpointTransport transport, HttpRequestParser parser,
        boolean turnedAway) {
      this.channel = channel;
      this.transport = transport;
      this.parser = parser;
      this.turnedAway = turnedAway;
    }
  }

  private static System.Logger log() {
    return LogHolder.LOG;
  }

  private static final class LogHolder {
    static final System.Logger LOG = System.getLogger("io.obs");
  }

  private final ServerSocketChannel listener;
  private final Selector selector;
  private final EndpointSettings settings;
  private final Router router;
  private final EndpointTelemetry telemetry;
  private final long headerTimeoutNanos;
  private final long idleTimeoutNanos;
  private final Set<Connection> connections = new LinkedHashSet<>();
  private int served; // connections not turned away
  private int lingering; // turned away or closing after an error, still draining
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ByteBuffer scratch = ByteBuffer.allocate(4096);
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
  private volatile boolean running = true;
  private boolean acceptPaused;

  EndpointLoop(ServerSocketChannel listener, Selector selector, EndpointSettings settings,
      Router router, EndpointTelemetry telemetry) throws IOException {
    this.listener = listener;
    this.selector = selector;
    this.settings = settings;
    this.router = router;
    this.telemetry = telemetry;
    this.headerTimeoutNanos = settings.headerTimeout().toNanos();
    this.idleTimeoutNanos = settings.idleTimeout().toNanos();
    listener.configureBlocking(false);
    listener.register(selector, SelectionKey.OP_ACCEPT);
  }

  /** Stops the loop; it closes every connection and the listener on its way out. */
  void stop() {
    running = false;
    selector.wakeup();
  }

  /** Sends a worker's reply; any thread. A connection closed meanwhile is skipped. */
  void complete(Connection connection, Reply reply) {
    tasks.add(() -> guarded(connection, () -> {
      if (connection.phase == Phase.HANDLING) {
        respond(connection, reply);
      }
    }));
    selector.wakeup();
  }

  @Override
  public void run() {
    long lastSweep = System.nanoTime();
    try {
      while (running) {
        if (tasks.isEmpty()) {
          selector.select(TICK_MILLIS);
        } else {
          selector.selectNow();
        }
        // Only the tasks there now: one that adds another (a pipelined request) waits a round,
        // so one connection cannot keep the loop to itself.
        for (int pending = tasks.size(); pending > 0; pending--) {
          Runnable task = tasks.poll();
          if (task == null) {
            break;
          }
          task.run();
        }
        Iterator<SelectionKey> selected = selector.selectedKeys().iterator();
        while (selected.hasNext()) {
          SelectionKey key = selected.next();
          selected.remove();
          if (key.channel() == listener) {
            guarded(null, this::accept);
          } else if (key.attachment() instanceof Connection connection) {
            guarded(connection, () -> drive(connection));
          }
        }
        long now = System.nanoTime();
        if (now - lastSweep >= TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)) {
          sweep(now);
          lastSweep = now;
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      if (running) {
        log().log(System.Logger.Level.ERROR, "obs: the endpoint server stopped: " + e, e);
      }
    } finally {
      for (Connection connection : new ArrayList<>(connections)) {
        close(connection);
      }
      closeQuietly(listener);
      try {
        selector.close();
      } catch (IOException e) {
        // Nothing is left to release.
      }
    }
  }

  /**
   * Runs one step for a connection; what a client does ends in closing its connection at worst,
   * never in an exception leaving the loop.
   */
  private void guarded(@Nullable Connection connection, IoStep step) {
    try {
      step.run();
    } catch (IOException | CancelledKeyException e) {
      // A client that went away, reset or spoke bad TLS: nothing for a log.
      if (connection != null) {
        close(connection);
      }
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      if (connection != null) {
        close(connection);
      }
      long now = System.nanoTime();
      long last = lastWarning.get();
      if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
        log().log(System.Logger.Level.WARNING, "obs: the endpoint server dropped a connection"
            + " after an unexpected error (logged at most once a minute): " + e, e);
      }
    }
  }

  @FunctionalInterface
  private interface IoStep {
    void run() throws IOException;
  }

  private void accept() throws IOException {
    for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
      SocketChannel channel;
      try {
        channel = listener.accept();
      } catch (IOException e) {
        // Out of descriptors, most likely (the application's or obs's): the pending connection
        // stays pending, so stop asking for it for a tick instead of spinning on it.
        pauseAccepting(e);
        return;
      }
      if (channel == null) {
        return;
      }
      telemetry.opened();
      try {
        channel.configureBlocking(false);
        channel.socket().setTcpNoDelay(true);
        if (served >= settings.maxConnections() && !closeOldestIdle()) {
          turnAway(channel);
          continue;
        }
        SSLContext tls = settings.tls();
        EndpointTransport transport = tls == null
            ? new EndpointTransport.Plain(channel)
            : new TlsTransport(channel, tls.createSSLEngine());
        Connection connection = new Connection(channel, transport,
            new HttpRequestParser(settings.maxRequestBytes(), settings.maxRequestBytes()), false);
        connection.deadline = System.nanoTime() + headerTimeoutNanos;
        register(connection, SelectionKey.OP_READ);
        served++;
      } catch (IOException | RuntimeException e) {
        closeQuietly(channel);
        telemetry.closed();
      }
    }
  }

  private void pauseAccepting(IOException cause) {
    SelectionKey key = listener.keyFor(selector);
    if (key != null && key.isValid()) {
      key.interestOps(0);
      acceptPaused = true;
    }
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      log().log(System.Logger.Level.WARNING, "obs: the endpoint server cannot accept connections"
          + " (" + cause + "); it tries again every " + TICK_MILLIS + " ms (logged at most once"
          + " a minute)");
    }
  }

  /**
   * Reads the request of a connection over the limit, briefly, to answer it 503 and close (or, for
   * the liveness probe, 200); over TLS, or when too many linger already, it is closed at once: no
   * handshake or memory is spent on it.
   */
  private void turnAway(SocketChannel channel) throws IOException {
    if (settings.tls() != null
        || (lingering >= settings.maxConnections() && !closeOldestDraining())) {
      telemetry.count(EndpointTelemetry.REJECTED);
      closeQuietly(channel);
      telemetry.closed();
      return;
    }
    Connection connection = new Connection(channel, new EndpointTransport.Plain(channel),
        new HttpRequestParser(settings.maxRequestBytes(), settings.maxRequestBytes()), true);
    connection.deadline = System.nanoTime() + Math.min(headerTimeoutNanos, DRAIN_NANOS);
    register(connection, SelectionKey.OP_READ);
    lingering++;
    try {
      read(connection);
    } catch (IOException | RuntimeException e) {
      close(connection);
    }
  }

  private void register(Connection connection, int ops) throws IOException {
    connection.key = connection.channel.register(selector, ops, connection);
    connections.add(connection);
  }

  /** Makes room by closing the connection idle longest, if one is idle; false when none is. */
  private boolean closeOldestIdle() {
    Connection oldest = null;
    for (Connection connection : connections) {
      if (connection.phase == Phase.IDLE
          && (oldest == null || connection.idleSince - oldest.idleSince < 0)) {
        oldest = connection;
      }
    }
    if (oldest == null) {
      return false;
    }
    close(oldest);
    return true;
  }

  /**
   * Makes room among the lingering connections by closing the oldest that has had its answer;
   * false when none has. Under a flood this keeps reading new connections, so the liveness probe
   * among them is still answered.
   */
  private boolean closeOldestDraining() {
    Connection oldest = null;
    for (Connection connection : connections) {
      if (connection.phase == Phase.DRAINING
          && (oldest == null || connection.deadline - oldest.deadline < 0)) {
        oldest = connection;
      }
    }
    if (oldest == null) {
      return false;
    }
    close(oldest);
    return true;
  }

  private void drive(Connection connection) throws IOException {
    switch (connection.phase) {
      case IDLE, READING -> read(connection);
      case WRITING -> flush(connection);
      case DRAINING -> drain(connection);
      default -> interest(connection, 0);
    }
  }

  private void read(Connection connection) throws IOException {
    while (connection.phase == Phase.IDLE || connection.phase == Phase.READING) {
      ByteBuffer in = connection.in;
      if (!in.hasRemaining()) {
        in.clear();
        int read;
        try {
          read = connection.transport.read(in);
        } finally {
          in.flip();
        }
        if (read < 0) {
          close(connection); // the client is done, or gone halfway: no answer can reach it
          return;
        }
        if (read == 0) {
          interest(connection, SelectionKey.OP_READ
              | (connection.transport.wantsWrite() ? SelectionKey.OP_WRITE : 0));
          return;
        }
      }
      if (connection.phase == Phase.IDLE) {
        connection.phase = Phase.READING;
        connection.deadline = System.nanoTime() + headerTimeoutNanos;
      }
      int state = connection.parser.feed(in);
      if (state == HttpRequestParser.FAILED) {
        telemetry.count(EndpointTelemetry.INVALID);
        HttpRequestParser parser = connection.parser;
        respond(connection, new Reply(EndpointResponses.error(parser.failureStatus(),
            parser.failureMessage(), false), true));
        return;
      }
      if (state == HttpRequestParser.COMPLETE) {
        connection.phase = Phase.HANDLING;
        interest(connection, 0);
        if (connection.turnedAway) {
          Reply probe = router.probe(connection.parser.head());
          if (probe == null) {
            telemetry.count(EndpointTelemetry.REJECTED);
          }
          respond(connection, probe != null
              ? new Reply(probe.bytes(), true) : new Reply(EndpointResponses.overloaded(), true));
          return;
        }
        Reply reply = router.route(connection, connection.parser.head());
        if (reply != null) {
          respond(connection, reply);
        }
        return;
      }
    }
  }

  private void respond(Connection connection, Reply reply) throws IOException {
    if (connection.phase == Phase.CLOSED) {
      return;
    }
    connection.out = ByteBuffer.wrap(reply.bytes());
    connection.closeAfterWrite = reply.close() || !running;
    connection.phase = Phase.WRITING;
    connection.deadline = System.nanoTime() + idleTimeoutNanos;
    flush(connection);
  }

  private void flush(Connection connection) throws IOException {
    if (!connection.transport.write(connection.out)) {
      interest(connection, SelectionKey.OP_WRITE);
      return;
    }
    if (connection.closeAfterWrite) {
      startDraining(connection);
      return;
    }
    connection.parser.reset();
    connection.phase = Phase.IDLE;
    connection.idleSince = System.nanoTime();
    connection.deadline = connection.idleSince + idleTimeoutNanos;
    // A pipelined request may be buffered already, where no readiness event will announce it.
    // Read it on the next round rather than from here: answering inline and then reading again
    // from within would recurse once per pipelined request, and a client can send thousands.
    interest(connection, SelectionKey.OP_READ);
    tasks.add(() -> guarded(connection, () -> {
      if (connection.phase == Phase.IDLE) {
        read(connection);
      }
    }));
  }

  private void startDraining(Connection connection) throws IOException {
    if (!connection.turnedAway) {
      if (lingering >= settings.maxConnections() && !closeOldestDraining()) {
        close(connection);
        return;
      }
      served--;
      lingering++;
    }
    connection.transport.shutdownOutput();
    connection.phase = Phase.DRAINING;
    connection.deadline = System.nanoTime() + DRAIN_NANOS;
    connection.drained = 0;
    drain(connection);
  }

  /** Reads and drops what the client still sends, until it closes, or too much, or too long. */
  private void drain(Connection connection) throws IOException {
    while (true) {
      scratch.clear();
      int read = connection.channel.read(scratch);
      if (read < 0 || (connection.drained += Math.max(read, 0)) > DRAIN_BYTES) {
        close(connection);
        return;
      }
      if (read == 0) {
        interest(connection, SelectionKey.OP_READ);
        return;
      }
    }
  }

  /** Closes what outlived its deadline: slow requests, idle keep-alives, untaken responses. */
  private void sweep(long now) {
    if (acceptPaused) {
      SelectionKey key = listener.keyFor(selector);
      if (key != null && key.isValid()) {
        key.interestOps(SelectionKey.OP_ACCEPT);
      }
      acceptPaused = false;
    }
    for (Connection connection : new ArrayList<>(connections)) {
      if (connection.phase == Phase.HANDLING || now - connection.deadline < 0) {
        continue;
      }
      boolean turnedAway = connection.turnedAway;
      if (connection.phase == Phase.WRITING && !turnedAway) {
        telemetry.count(EndpointTelemetry.TIMEOUT); // the client does not take its response
      }
      if (connection.phase == Phase.READING) {
        telemetry.count(turnedAway ? EndpointTelemetry.REJECTED : EndpointTelemetry.TIMEOUT);
        if (settings.tls() == null) {
          try {
            // One try, without waiting: a client that stalls its request rarely reads.
            connection.channel.write(ByteBuffer.wrap(turnedAway
                ? EndpointResponses.overloaded()
                : EndpointResponses.error(408,
                    "request not complete within server.header_timeout", false)));
          } catch (IOException e) {
            // Closing anyway.
          }
        }
      }
      close(connection);
    }
  }

  private void interest(Connection connection, int ops) {
    SelectionKey key = connection.key;
    if (key != null && key.isValid() && key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  private void close(Connection connection) {
    if (connection.phase == Phase.CLOSED) {
      return;
    }
    if (connection.phase == Phase.DRAINING || connection.turnedAway) {
      lingering--;
    } else {
      served--;
    }
    connection.phase = Phase.CLOSED;
    connections.remove(connection);
    SelectionKey key = connection.key;
    if (key != null) {
      key.cancel();
    }
    closeQuietly(connection.channel);
    telemetry.closed();
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing is all that was left to do.
    }
  }

  /** Connections open now, lingering ones included. */
  int openConnections() {
    return connections.size();
  }

  static String ascii(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
