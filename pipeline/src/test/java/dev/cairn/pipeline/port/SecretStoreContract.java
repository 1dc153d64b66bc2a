package dev.cairn.pipeline.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link SecretStore} adapter has. An adapter's test extends this class and
 * says how to make an empty store and how to open a second instance on the same storage.
 */
public abstract class SecretStoreContract {
  private SecretStore store;

  /** A new, empty store (called before each test). */
  protected abstract SecretStore newStore() throws Exception;

  /** A second instance on the same storage as {@code store}, as after a restart. */
  protected abstract SecretStore reopen(SecretStore store) throws Exception;

  @BeforeEach
  void createStore() throws Exception {
    store = newStore();
  }

  /** The store under test. */
  protected SecretStore store() {
    return store;
  }

  @Test
  void aStoredValueIsReadBackExactly() {
    store.put("db.password", "s3cret value\nwith newline and ünïcode");

    assertThat(store.get("db.password")).contains("s3cret value\nwith newline and ünïcode");
  }

  @Test
  void putReplacesAndGetOfAnUnknownNameIsEmpty() {
    store.put("token", "one");
    store.put("token", "two");

    assertThat(store.get("token")).contains("two");
    assertThat(store.get("missing")).isEmpty();
    assertThat(store.values()).containsExactly("two");
  }

  @Test
  void getOrGenerateMakesARandomValueOnceAndKeepsIt() throws Exception {
    String generated = store.getOrGenerate("postgres.password");
    String other = store.getOrGenerate("redis.password");

    // Letters and digits only: generated passwords go into connection URLs and shell commands.
    assertThat(generated).matches("[A-Za-z0-9]{32,}");
    assertThat(other).matches("[A-Za-z0-9]{32,}").isNotEqualTo(generated);
    assertThat(store.getOrGenerate("postgres.password")).isEqualTo(generated);
    assertThat(reopen(store).get("postgres.password")).contains(generated);
    assertThat(store.values()).containsExactlyInAnyOrder(generated, other);
  }

  @Test
  void getOrGenerateKeepsAValuePutBefore() {
    store.put("api.token", "given");

    assertThat(store.getOrGenerate("api.token")).isEqualTo("given");
  }

  @Test
  void valuesSurviveReopening() throws Exception {
    store.put("a", "alpha");
    store.put("b", "beta");

    SecretStore reopened = reopen(store);

    assertThat(reopened.get("a")).contains("alpha");
    assertThat(reopened.values()).containsExactlyInAnyOrder("alpha", "beta");
  }

  @Test
  void toStringShowsNoValue() {
    store.put("visible.name", "hidden-value-1234");

    assertThat(store.toString()).doesNotContain("hidden-value-1234");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../escape", "a/b", "..", ".hidden", "", "with space"})
  void namesThatAreNotPlainNamesAreRejected(String name) {
    assertThatThrownBy(() -> store.put(name, "value"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not valid")
        .hasMessageNotContaining("value'");
    assertThatThrownBy(() -> store.get(name)).isInstanceOf(IllegalArgumentException.class);
  }
}
