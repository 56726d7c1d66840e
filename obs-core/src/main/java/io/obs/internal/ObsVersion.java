// SPDX-License-Identifier: Apache-2.0
package io.obs.internal;

import org.jspecify.annotations.Nullable;

/** Internal: not for use outside obs. The version of obs, from the jar manifest. */
final class ObsVersion {

  static final @Nullable String VERSION = ObsVersion.class.getPackage().getImplementationVersion();

  private ObsVersion() {}
}
