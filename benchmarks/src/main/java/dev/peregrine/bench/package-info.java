/** Benchmarks of the Peregrine stack: the bench and loadgen commands, JMH benchmarks, reports. */
package dev.peregrine.bench;
