// SPDX-License-Identifier: Apache-2.0
/** Instrumentation for grpc-java servers and clients. */
@NullMarked
package io.obs.tracing.grpc;

import org.jspecify.annotations.NullMarked;
