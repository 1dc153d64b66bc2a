/**
 * The pipeline runtime: the work behind every state of the compiled state machine, written once
 * over ports, with the deploy queue's rules and the stores of runs and environments. The local loop
 * and the AWS functions and runner are drivers of it.
 */
package dev.cairn.pipeline.runtime;
