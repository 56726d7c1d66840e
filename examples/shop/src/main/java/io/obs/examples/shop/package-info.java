// SPDX-License-Identifier: Apache-2.0
/** The obs shop example: two services showing logs, metrics and traces across HTTP and gRPC. */
@NullMarked
package io.obs.examples.shop;

import org.jspecify.annotations.NullMarked;
