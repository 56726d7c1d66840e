// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by KernelSessionIT: opens a missing file and connects to a closed loopback
 * port, the same work the parent does, so scope filtering can be told apart by path and port.
 */
public final class ChildWorkload {
  private ChildWorkload() {}

  public static void main(String[] args) throws IOException {
    try {
      Files.newInputStream(Path.of(args[0])).close();
      throw new IllegalStateException(args[0] + " exists");
    } catch (java.nio.file.NoSuchFileException expected) {
      System.out.println("child openat " + args[0] + ": ENOENT");
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])));
      throw new IllegalStateException("port " + args[1] + " accepted");
    } catch (java.net.ConnectException expected) {
      System.out.println("child connect " + args[1] + ": refused");
    }
  }
}
