package io.domsim.config;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * Dynamic consolidation ({@code scheduler.consolidation}): every {@code interval} the pool master asks the
 * overload detector {@code policy} which hosts are overloaded, moves guests chosen by {@code selection}
 * off them to hosts chosen by {@code placement}, and, with {@code switchOffIdle}, empties under-loaded
 * hosts and switches idle ones off (Beloglazov and Buyya 2012). Each name is a plug-in, checked against
 * its registry.
 *
 * @param policy the consolidation policy ({@code none}, {@code thr}, {@code iqr}, {@code mad}, {@code lr},
 *     {@code lrr}, ...)
 * @param parameter the policy's number (THR's threshold, the others' safety parameter): as written, else
 *     the policy's default; empty for a policy that takes none
 * @param selection the guest selection policy ({@code mmt}, {@code mu}, {@code rs}, {@code mc}, ...)
 * @param placement where moved guests go ({@code pabfd}, ...)
 * @param switchOffIdle whether hosts left without guests are switched off, and under-loaded ones emptied so
 *     that they can be
 * @param interval how often the policy is asked
 */
public record ConsolidationSpec(String policy, OptionalDouble parameter, String selection, String placement,
    boolean switchOffIdle, Duration interval) {}
