package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Which repository `serve` posts statuses to, from its options. */
class GitHubStatusesTest {

  @Test
  void aGithubRemoteNamesItsRepository() {
    assertThat(GitHubStatuses.repositoryOf("https://github.com/acme/shop")).contains("acme/shop");
    assertThat(GitHubStatuses.repositoryOf("https://github.com/acme/shop.git"))
        .contains("acme/shop");
    assertThat(GitHubStatuses.repositoryOf("git@github.com:acme/shop.git")).contains("acme/shop");
    assertThat(GitHubStatuses.repositoryOf("https://gitlab.com/acme/shop")).isEmpty();
    assertThat(GitHubStatuses.repositoryOf("/srv/git/shop.git")).isEmpty();
    assertThat(GitHubStatuses.repositoryOf("https://github.com/acme/shop/../../x")).isEmpty();
  }

  @Test
  void theOptionWinsOverTheRemoteAndNeitherMeansNoStatuses() {
    GitHubStatuses.Target named =
        GitHubStatuses.Target.of("acme/mirror", "/srv/git/shop.git", null, null).orElseThrow();
    assertThat(named.repository()).isEqualTo("acme/mirror");
    assertThat(named.api()).isEqualTo(URI.create("https://api.github.com"));

    GitHubStatuses.Target enterprise =
        GitHubStatuses.Target.of(
                null,
                "https://github.com/acme/shop",
                URI.create("https://ghe.example.com/api/v3"),
                "https://cairn.example.com")
            .orElseThrow();
    assertThat(enterprise.repository()).isEqualTo("acme/shop");
    assertThat(enterprise.api()).isEqualTo(URI.create("https://ghe.example.com/api/v3"));

    assertThat(GitHubStatuses.Target.of(null, "/srv/git/shop.git", null, null)).isEmpty();
  }
}
