// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Child-JVM entry point of NativeLibraryIT: loads the library (with {@code args[0]} as the work
 * directory unless it is "-") and prints the outcome and what it left in each of the directories
 * {@code args[1..]}.
 */
public final class NativeLoadMain {
  private NativeLoadMain() {}

  public static void main(String[] args) throws IOException {
    if (!args[0].equals("-")) {
      NativeLibrary.setWorkDir(Path.of(args[0]));
    }
    System.out.println("available=" + NativeLibrary.isAvailable());
    System.out.println("describe=" + NativeLibrary.describe());
    if (NativeLibrary.isAvailable()) {
      System.out.println("tid=" + NativeBpf.gettid());
    }
    for (int i = 1; i < args.length; i++) {
      try (Stream<Path> files = Files.list(Path.of(args[i]))) {
        System.out.println("left in " + args[i] + "=" + files.map(p -> p.getFileName().toString()).sorted().toList());
      }
    }
  }
}
