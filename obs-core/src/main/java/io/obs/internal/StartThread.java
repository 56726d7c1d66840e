// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import io.opentelemetry.sdk.resources.Resource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * Internal: not for use outside obs. The {@code obs-start} daemon thread. It begins with {@code
 * init()}: first it detects the resource (host, process, container, runtime), which needs no
 * configuration, while {@code init()} discovers the modules and reads the configuration; then it
 * runs the start-up that {@code init()} hands over once the SDK is built, or ends when there is
 * none (a failed {@code init()}, obs disabled, or {@code fail_fast} starting inline).
 */
final class StartThread {

  private final CompletableFuture<Resource> detected = new CompletableFuture<>();
  private final CompletableFuture<@Nullable Runnable> handOver = new CompletableFuture<>();
  private final Thread thread;

  private StartThread(ResourceFactory resources, RuntimeRequest request) {
    thread = new Thread(() -> run(resources, request), "obs-start");
    thread.setDaemon(true);
  }

  /** Starts the thread; its resource detection begins at once. */
  static StartThread begin(ResourceFactory resources, RuntimeRequest request) {
    StartThread start = new StartThread(resources, request);
    start.thread.start();
    return start;
  }

  private void run(ResourceFactory resources, RuntimeRequest request) {
    try {
      detected.complete(resources.detect(request.environment(), request.systemProperties()));
    } catch (RuntimeException | Error e) {
      detected.completeExceptionally(e);
    }
    Runnable startUp = handOver.join();
    if (startUp != null) {
      startUp.run();
    }
  }

  /** The detected resource, waiting for the detection if it is still running. */
  Resource detectedResource() {
    try {
      return detected.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** Hands the start-up to this thread, or {@code null} to let the thread end. At most once. */
  void handOver(@Nullable Runnable startUp) {
    handOver.complete(startUp);
  }

  Thread thread() {
    return thread;
  }
}
