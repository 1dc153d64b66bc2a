package dev.cairn.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.path.PayloadTemplate;

/**
 * A Pass state: passes its input, or a fixed {@code Result}, to the next state.
 *
 * @param next the next state, or null when {@code End} is true
 * @param parameters the Parameters template, or null
 * @param result the fixed Result, or null
 */
public record PassState(
    String name,
    String next,
    IoPath inputPath,
    PayloadTemplate parameters,
    JsonNode result,
    ResultPathSpec resultPath,
    IoPath outputPath)
    implements State {}
