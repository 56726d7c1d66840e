// SPDX-License-Identifier: Apache-2.0
/**
 * The obs shop example: order-service and inventory-service, plain Java, and the launcher that runs
 * them with the Spring Boot payment-service, showing logs, metrics and traces across HTTP and gRPC.
 */
@NullMarked
package io.obs.examples.shop;

import org.jspecify.annotations.NullMarked;
