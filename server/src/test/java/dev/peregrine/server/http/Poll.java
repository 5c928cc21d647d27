package dev.peregrine.server.http;

import java.util.function.BooleanSupplier;

/** Waits for a condition that other threads make true; fails after a generous bound instead of hanging. */
final class Poll {
    private Poll() {
    }

    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
