package dev.cairn.aws.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(MotoExtension.class)}: skips the test class with a visible message ({@code
 * moto_server not found: ...}) when moto_server is absent, and otherwise starts it before the
 * class's tests run, so a failure to start shows up once, at the class.
 */
public final class MotoExtension implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    Moto.assumeAvailable();
    Moto.endpoint();
  }
}
