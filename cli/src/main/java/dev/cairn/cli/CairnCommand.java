package dev.cairn.cli;

/** Entry point placeholder. */
public final class CairnCommand {
  public static void main(String[] args) {
    System.out.println("cairn");
  }
}
