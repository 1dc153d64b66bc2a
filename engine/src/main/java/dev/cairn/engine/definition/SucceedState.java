package dev.cairn.engine.definition;

/** A Succeed state: ends its machine (or branch, or iteration) successfully. */
public record SucceedState(String name, IoPath inputPath, IoPath outputPath) implements State {}
