// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 2, as the application sees it: under {@code ulimit -n 256}, 400 connections to
 * obs's port that never send a request must not take the descriptors the application's own HTTP
 * port needs.
 */
class EndpointServerDescriptorsIT {

  private static final int ATTACKERS = 400;
  private static final int DESCRIPTOR_LIMIT = 256;

  @Test
  void aFloodOfIdleConnectionsLeavesTheApplicationsPortServing() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder("bash", "-c", "ulimit -n " + DESCRIPTOR_LIMIT
        + " && exec \"$0\" -cp \"$1\" io.obs.internal.DescriptorLimitApp 3", java,
        System.getProperty("java.class.path")).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Socket> attackers = new ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("PORTS ");
      String[] ports = line.split(" ");
      int application = Integer.parseInt(ports[1]);
      int endpoints = Integer.parseInt(ports[2]);
      int before = descriptors(child.pid());

      for (int i = 0; i < ATTACKERS; i++) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", endpoints), 5000);
        attackers.add(socket);
      }
      Thread.sleep(500);
      int during = descriptors(child.pid());
      RawHttp.Answer order = RawHttp.get(application, "/orders");
      System.out.printf("descriptor limit %d: child holds %d descriptors before, %d with %d idle"
          + " connections on obs's port; the application's port answered %d in %.1f ms%n",
          DESCRIPTOR_LIMIT, before, during, ATTACKERS, order.status(), order.millis());
      assertThat(order.status()).as("the application's own port").isEqualTo(200);
      // 64 served and 64 lingering at most, whatever the flood.
      assertThat(during - before).isLessThanOrEqualTo(2 * 64 + 4);

      for (Socket socket : attackers) {
        socket.close();
      }
      attackers.clear();
      assertThat(RawHttp.await(6000, () -> descriptors(child.pid()) <= before + 2)).isTrue();
      assertThat(RawHttp.get(endpoints, "/healthz").status()).isEqualTo(200);
    } finally {
      for (Socket socket : attackers) {
        socket.close();
      }
      child.getOutputStream().close();
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
  }

  private static int descriptors(long pid) throws Exception {
    try (var files = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return (int) files.count();
    }
  }
}
