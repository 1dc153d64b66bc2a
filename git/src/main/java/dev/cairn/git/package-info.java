/** Cairn git adapter. */
package dev.cairn.git;
