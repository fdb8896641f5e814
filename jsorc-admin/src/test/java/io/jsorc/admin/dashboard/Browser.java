package io.jsorc.admin.dashboard;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium driven through Debian's chromedriver ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}; installed by {@code scripts/install-test-servers.sh}). Nothing is downloaded:
 * the driver's path is given, so Selenium Manager is never asked. The network log is on, so a test can list every
 * URL the page requested.
 */
public final class Browser implements AutoCloseable {

    /** Where screenshots go (CI keeps the directory). */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static final Pattern URL = Pattern.compile("\"url\":\"([^\"]*)\"");

    /** The driven browser. */
    public final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /**
     * Starts Chromium headless at 1280x800.
     *
     * @return the browser
     * @throws IllegalStateException naming the install script when chromium or chromedriver is missing
     */
    public static Browser start() {
        for (String binary : new String[] {"/usr/bin/chromium", "/usr/bin/chromedriver"}) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new IllegalStateException(binary + " is missing: run scripts/install-test-servers.sh "
                        + "(Debian packages chromium and chromium-driver)");
            }
        }
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,800", "--disable-extensions", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--metrics-recording-only");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    /**
     * Waits for a condition, generously (machines are shared).
     *
     * @param timeout the bound
     * @return a wait
     */
    public WebDriverWait waiting(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout);
        wait.pollingEvery(Duration.ofMillis(100));
        return wait;
    }

    /**
     * Resizes the window's viewport.
     *
     * @param width  CSS pixels
     * @param height CSS pixels
     */
    public void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /**
     * Saves a screenshot under {@link #SCREENSHOTS}.
     *
     * @param name the file's name, without {@code .png}
     * @return the file
     */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("screenshot: " + file.toAbsolutePath());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return every URL the page requested since the last call (the performance log's network events)} */
    public List<String> requestedUrls() {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            String message = entry.getMessage();
            if (message.contains("Network.requestWillBeSent")) {
                Matcher m = URL.matcher(message);
                while (m.find()) {
                    urls.add(m.group(1));
                }
            }
        }
        return urls;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
