package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (headless Chromium driven by Selenium) against a real loop: a
 * deploy seen live, the rollback button, a browser without the token, a cross-site form. One
 * browser and one Cairn for the whole class; the tests run in order because each builds on the runs
 * of the one before. Skipped where Chromium is not installed ({@code scripts/ensure-packages.sh
 * --test} installs it; CI does).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private LoopHarness loop;
  private WebDriver browser;
  private Path gate;
  private RevCommit first;
  private String firstRun;

  @BeforeAll
  void start(@TempDir Path root) throws Exception {
    Optional<Path> chromium = onPath("chromium");
    Optional<Path> driver = onPath("chromedriver");
    assumeTrue(
        chromium.isPresent() && driver.isPresent(),
        "chromium and chromedriver are not installed (as root: scripts/ensure-packages.sh --test);"
            + " the dashboard's browser tests are skipped");
    loop = LoopHarness.create(root);
    // The first build waits for this file, so that the test sees it running before it ends.
    gate = Files.createDirectories(root.resolve("gate"));
    loop.write("app.py", LoopHarness.app());
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: echo first-output-line\n"
                + "- run: while [ ! -f "
                + gate.resolve("open")
                + " ]; do sleep 0.05; done; echo second-output-line\n"
                + "- run: mkdir -p out && cp app.py out/",
            "",
            "echo release-output-line && exec python3 app.py",
            "1s"));
    first = loop.commit("first version");
    loop.push(first);
    loop.start(new LoopOptions.Security(false, List.of(), List.of(gate)));
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1100");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile()).build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  void stop() {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (loop != null) {
        loop.close();
      }
    }
  }

  @Test
  @Order(1)
  void anUnauthenticatedBrowserSeesTheLoginAndNoData() throws Exception {
    firstRun = loop.awaitRunId(first);
    for (String page : List.of("/", "/runs", "/runs/" + firstRun, "/history")) {
      browser.get(url(page));
      assertThat(browser.getCurrentUrl()).isEqualTo(url("/login"));
      assertThat(browser.findElements(By.cssSelector("form#login input[name=token]"))).hasSize(1);
      assertThat(browser.getPageSource())
          .doesNotContain(firstRun)
          .doesNotContain(first.getName().substring(0, 7))
          .doesNotContain("production");
    }
    // The run's live feed answers nothing either.
    browser.get(url("/runs/" + firstRun + "/events"));
    assertThat(browser.getPageSource()).contains("log in first").doesNotContain("first-output");
    browser.get(url("/login"));
    browser.findElement(By.name("token")).sendKeys("not-the-token-0123456789");
    browser.findElement(By.cssSelector("form#login button")).click();
    await("the login refused")
        .atMost(PAGE_TIMEOUT)
        .ignoreExceptions()
        .until(() -> text("problem").contains("not the API token"));
    assertThat(browser.manage().getCookieNamed("cairn_session")).isNull();
    screenshot("login");
  }

  @Test
  @Order(2)
  void aDeployShowsLiveItsGraphAdvancingAndItsLogsStreaming() throws Exception {
    logIn();
    browser.get(url("/runs/" + firstRun));
    // While the build waits at the gate: its first output is there, the Build state is lit.
    await("the first build line streams in")
        .atMost(PAGE_TIMEOUT)
        .ignoreExceptions()
        .until(() -> text("log").contains("first-output-line"));
    await("the Build state lights up")
        .atMost(PAGE_TIMEOUT)
        .ignoreExceptions()
        .until(() -> mark("Build").equals("active") && graphNodes("active") > 0);
    assertThat(text("log")).doesNotContain("second-output-line");
    assertThat(mark("Validate")).isEqualTo("done");
    assertThat(mark("Done")).isEqualTo("waiting");
    screenshot("run-building");
    Files.writeString(gate.resolve("open"), "");
    // Without reloading the page: the rest of the log and the rest of the graph arrive live.
    await("the second build line streams in")
        .atMost(PAGE_TIMEOUT)
        .ignoreExceptions()
        .until(() -> text("log").contains("second-output-line"));
    await("the run ends and its graph shows it")
        .atMost(PAGE_TIMEOUT)
        .ignoreExceptions()
        .until(
            () ->
                text("run-status").equals("SUCCEEDED")
                    && mark("Done").equals("done")
                    && browser.findElement(By.id("log")).getAttribute("data-ended") != null);
    assertThat(text("log")).as("the release's own output").contains("release-output-line");
    assertThat(mark("Build")).isEqualTo("done");
    assertThat(graphNodes("done")).isGreaterThan(3);
    assertThat(graphNodes("active")).isZero();
    screenshot("run-succeeded");
  }

  @Test
  @Order(3)
  void aCrossSiteFormPostIsRefused() throws Exception {
    logIn();
    int runsBefore = loop.cairn().pipelines().engine().list().size();
    // A page on another port of the same machine: same site (so the browser even sends the
    // SameSite=Strict cookie), another origin, and it cannot know the CSRF token.
    HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String page =
        "<html><body><form id=\"f\" method=\"post\" action=\""
            + url("/ui/rollback")
            + "\"><input name=\"environment\" value=\"production\"></form>"
            + "<script>document.getElementById('f').submit()</script></body></html>";
    evil.createContext(
        "/",
        exchange -> {
          byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html");
          exchange.sendResponseHeaders(200, bytes.length);
          try (var out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    evil.start();
    try {
      browser.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
      await("the browser shows Cairn's answer to the forged form")
          .atMost(PAGE_TIMEOUT)
          .ignoreExceptions()
          .until(() -> browser.getCurrentUrl().equals(url("/ui/rollback")));
      assertThat(browser.getPageSource())
          .containsAnyOf("cross-origin requests are refused", "not sent from this dashboard");
    } finally {
      evil.stop(0);
    }
    assertThat(loop.cairn().pipelines().engine().list()).hasSize(runsBefore);
    assertThat(loop.cairn().pipelines().ledger("production").bad()).isEmpty();
  }

  @Test
  @Order(4)
  void theRollbackButtonRollsBackAndThePageShowsIt() throws Exception {
    loop.write("app.py", LoopHarness.app().replace("b\"ok\"", "b\"ok \""));
    RevCommit second = loop.commit("second version");
    loop.push(second);
    assertProduction(loop.awaitRun(second)).isEqualTo("deployed");
    logIn();
    browser.get(url("/"));
    WebElement production = browser.findElement(By.id("env-production"));
    assertThat(production.findElement(By.cssSelector(".serving")).getAttribute("data-commit"))
        .isEqualTo(second.getName());
    screenshot("environments-before-rollback");
    production.findElement(By.cssSelector("form.rollback button")).click();
    await("the confirmation").atMost(PAGE_TIMEOUT).ignoreExceptions().until(this::acceptAlert);
    await("the rollback's run page")
        .atMost(PAGE_TIMEOUT)
        .ignoreExceptions()
        .until(() -> browser.getCurrentUrl().startsWith(url("/runs/")));
    String rollbackRun = browser.getCurrentUrl().substring(url("/runs/").length());
    await("the rollback's run succeeds on its page")
        .atMost(PAGE_TIMEOUT)
        .ignoreExceptions()
        .until(() -> text("run-status").equals("SUCCEEDED"));
    assertThat(loop.outcome(rollbackRun).facts().path("commit").asText())
        .isEqualTo(first.getName());
    browser.get(url("/"));
    WebElement after = browser.findElement(By.id("env-production"));
    assertThat(after.findElement(By.cssSelector(".serving")).getAttribute("data-commit"))
        .isEqualTo(first.getName());
    assertThat(after.findElement(By.cssSelector(".bad")).getText())
        .contains(second.getName().substring(0, 7));
    screenshot("environments");
    browser.get(url("/history?environment=production&event=manual-action"));
    assertThat(browser.findElements(By.cssSelector("table.history tr[data-event]"))).isNotEmpty();
    screenshot("history");
    browser.get(url("/dora"));
    assertThat(browser.findElement(By.cssSelector("table.dora tbody")).getText())
        .startsWith("production 2 "); // two deployments; the rollback is no new change
    await("the DORA charts are drawn")
        .atMost(PAGE_TIMEOUT)
        .ignoreExceptions()
        .until(
            () ->
                Boolean.TRUE.equals(
                    ((JavascriptExecutor) browser)
                        .executeScript(
                            "return ['deployments', 'leadTimeMinutes', 'failureRate',"
                                + " 'restoreMinutes'].every(m => Chart.getChart('chart-' + m))")));
    screenshot("dora");
  }

  private void logIn() {
    browser.get(url("/"));
    if (!browser.getCurrentUrl().equals(url("/login"))) {
      return;
    }
    browser.findElement(By.name("token")).sendKeys(loop.cairn().apiToken().secret());
    browser.findElement(By.cssSelector("form#login button")).click();
    await("the login").atMost(PAGE_TIMEOUT).until(() -> browser.getCurrentUrl().equals(url("/")));
    assertThat(browser.manage().getCookieNamed("cairn_session").isHttpOnly()).isTrue();
  }

  private boolean acceptAlert() {
    browser.switchTo().alert().accept();
    return true;
  }

  private String url(String path) {
    return "http://127.0.0.1:" + loop.cairn().httpPort() + path;
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The mark of a state in the run page's list of states. */
  private String mark(String state) {
    return browser
        .findElement(By.cssSelector("#states li[data-state=\"" + state + "\"]"))
        .getAttribute("class");
  }

  /** How many nodes of the drawn graph carry a mark. */
  private int graphNodes(String mark) {
    return browser.findElements(By.cssSelector("#graph svg g.node." + mark)).size();
  }

  private void screenshot(String name) throws IOException {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private static Optional<Path> onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.of(path.split(File.pathSeparator))
        .map(dir -> Path.of(dir, command))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
