// SPDX-License-Identifier: Apache-2.0
/** order-service: takes orders, checks and reserves stock in inventory-service. */
@NullMarked
package io.obs.examples.shop.order;

import org.jspecify.annotations.NullMarked;
