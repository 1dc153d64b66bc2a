/**
 * The JSON helper of the core and the modules above it; the engine keeps its own ({@code
 * dev.cairn.engine.json}), used only by code that speaks the engine's API.
 */
package dev.cairn.pipeline.json;
