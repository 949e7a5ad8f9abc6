package coffer.server.console;

import coffer.testing.Environment;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Headless Chromium driven by WebDriver: Debian's {@code chromium} and {@code chromium-driver}
 * (scripts/setup-machine), never a downloaded browser. Screenshots go to {@code target/console-screenshots/}.
 * Not thread-safe: one test at a time.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    final WebDriver driver;
    private final String url;

    private Browser(WebDriver driver, String url) {
        this.driver = driver;
        this.url = url;
    }

    /** A new headless Chromium for the console at {@code url}; a missing browser skips the test (fails in CI). */
    static Browser open(String url) {
        Path chromium = Environment.requireCommand("chromium");
        Path driverBinary = Environment.requireCommand("chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--disable-extensions", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), url);
    }

    void go(String path) {
        driver.get(url + path);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    boolean has(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    /** The text of the element, once the page shows it (a click's navigation may still be under way). */
    String text(String css) {
        return await(Duration.ofSeconds(20), d -> find(css).getText());
    }

    /**
     * Waits until {@code condition} gives a value other than null or false. An element the page replaced while the
     * condition read it (htmx swaps the live job fragments) is looked up again on the next try, not an error.
     */
    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(200))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    /** The code of the page's problem notice; fails with the page's source when there is none. */
    String problemCode() {
        try {
            await(Duration.ofSeconds(20), d -> has("#problem .code"));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no problem shown at " + driver.getCurrentUrl() + ": " + driver.getPageSource());
        }
        return text("#problem .code");
    }

    void signIn(String secret) {
        go("/login");
        find("#token").sendKeys(secret);
        find("form[action='/login'] button[type=submit]").click();
        await(Duration.ofSeconds(20), d -> has("#who"));
    }

    void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
