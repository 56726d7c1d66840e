// SPDX-License-Identifier: Apache-2.0
/** The Reserve gRPC service, defined without protoc. */
@NullMarked
package io.obs.examples.shop.grpc;

import org.jspecify.annotations.NullMarked;
