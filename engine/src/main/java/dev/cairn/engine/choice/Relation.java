package dev.cairn.engine.choice;

/** How the compared values must relate for the comparison to hold. */
enum Relation {
  EQUALS("Equals"),
  LESS_THAN("LessThan"),
  GREATER_THAN("GreaterThan"),
  LESS_THAN_EQUALS("LessThanEquals"),
  GREATER_THAN_EQUALS("GreaterThanEquals");

  private final String suffix;

  Relation(String suffix) {
    this.suffix = suffix;
  }

  /** The operator name part after the type, e.g. {@code LessThan} in {@code NumericLessThan}. */
  String suffix() {
    return suffix;
  }

  /** Whether a {@code compareTo}-style result satisfies the relation. */
  boolean holds(int comparison) {
    return switch (this) {
      case EQUALS -> comparison == 0;
      case LESS_THAN -> comparison < 0;
      case GREATER_THAN -> comparison > 0;
      case LESS_THAN_EQUALS -> comparison <= 0;
      case GREATER_THAN_EQUALS -> comparison >= 0;
    };
  }
}
