// SPDX-License-Identifier: Apache-2.0
/**
 * payment-service: a Spring Boot application that authorizes the shop's payments, observed by
 * obs's starter with no obs code.
 */
@NullMarked
package io.obs.examples.shop.payment;

import org.jspecify.annotations.NullMarked;
