/** In-memory adapters of the runtime's stores, for tests and drivers that keep nothing. */
package dev.cairn.pipeline.runtime.memory;
