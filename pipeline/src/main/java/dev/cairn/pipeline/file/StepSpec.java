package dev.cairn.pipeline.file;

import java.time.Duration;

/**
 * One command, run by {@code /bin/sh -c} like a GitHub Actions {@code run:} step.
 *
 * @param name the step's name, shown in logs
 * @param run the shell command
 * @param timeout the step's own time limit, or null for the enclosing limit
 */
public record StepSpec(String name, String run, Duration timeout) {}
