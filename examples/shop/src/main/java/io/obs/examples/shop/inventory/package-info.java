// SPDX-License-Identifier: Apache-2.0
/** inventory-service: stock over HTTP and reservations over gRPC. */
@NullMarked
package io.obs.examples.shop.inventory;

import org.jspecify.annotations.NullMarked;
