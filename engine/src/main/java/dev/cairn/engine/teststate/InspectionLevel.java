package dev.cairn.engine.teststate;

/**
 * How much of a state's data flow TestState reports. INFO reports none; DEBUG reports the value
 * after each processing step; TRACE adds HTTP request and response details, which only HTTP tasks
 * have, so for the states evaluated here it reports what DEBUG does.
 */
public enum InspectionLevel {
  INFO,
  DEBUG,
  TRACE
}
