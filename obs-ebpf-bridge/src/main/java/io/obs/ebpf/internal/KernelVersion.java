// SPDX-License-Identifier: Apache-2.0
package io.obs.ebpf.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Internal: not for use outside obs.
 *
 * <p>{@code major.minor} of a kernel release string such as {@code 6.18.44-fc-v595}.
 */
public record KernelVersion(int major, int minor) implements Comparable<KernelVersion> {
  /**
   * The oldest kernel the prebuilt programs load on: BTF tracepoints (5.5), ring buffer (5.8),
   * {@code bpf_get_current_task_btf} (5.11) and socket cookies in tracing programs (5.12).
   */
  public static final KernelVersion MINIMUM = new KernelVersion(5, 12);

  private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");

  public static Optional<KernelVersion> parse(String release) {
    Matcher m = RELEASE.matcher(release.trim());
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public int compareTo(KernelVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
