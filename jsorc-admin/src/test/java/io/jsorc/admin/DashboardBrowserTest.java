package io.jsorc.admin;

import io.jsorc.Orchestrator;
import io.jsorc.action.ActionManager;
import io.jsorc.admin.dashboard.Browser;
import io.jsorc.admin.fixtures.Calc;
import io.jsorc.test.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium against a real orchestrator with a real {@code redis-server}: sign in,
 * watch the redis row turn FAILED and RUNNING again after the server is killed and restarted (no reload), an invalid
 * config refused with the API's message, an action module loaded and its placement shown, the benchmark chart drawn,
 * the token in no URL the page requested and no cookie request without the CSRF header accepted, the phone layout
 * and keyboard navigation. One browser and one host for the class, to keep CI time modest; each step saves a
 * screenshot under target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static RedisServer redis;
    private static Orchestrator orchestrator;
    private static String url;
    private static Browser browser;

    @BeforeAll
    static void start() {
        redis = RedisServer.startNew();
        orchestrator = Orchestrator.builder().scanPackages()
                .config("ADMIN_CONFIG", "{\"enabled\": true, \"port\": 0, \"token\": \"" + AdminHost.TOKEN + "\"}")
                .config("REDIS_CONFIG", redis.redisConfig("\"timeout_ms\": 500"))
                .config("JSORC_CONFIG", "{\"backoff_interval\": 0.5, \"pre_loaded_services\": [\"redis\"]}")
                .build().start();
        url = orchestrator.svc(AdminService.NAME, AdminService.class).url();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (orchestrator != null) {
            orchestrator.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private WebElement serviceRow(String name) {
        return browser.driver.findElement(By.cssSelector("tr[data-service='" + name + "']"));
    }

    private void awaitRowState(String name, String state, Duration timeout) {
        long t0 = System.nanoTime();
        browser.waiting(timeout).until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("tr[data-service='" + name + "']"));
            return !rows.isEmpty() && state.equals(rows.get(0).getAttribute("data-state"));
        });
        System.out.printf("row %s turned %s in %.0f ms%n", name, state, (System.nanoTime() - t0) / 1e6);
    }

    private void tab(String name) {
        browser.driver.findElement(By.id("tab-" + name)).click();
    }

    @Test
    @Order(1)
    void signInWithTheTokenShowsTheServicesTable() {
        browser.driver.get(url + "/");
        browser.waiting(Duration.ofSeconds(20)).until(d -> d.findElement(By.id("token")).isDisplayed());
        browser.driver.findElement(By.id("token")).sendKeys(AdminHost.TOKEN, Keys.ENTER);
        awaitRowState("redis", "RUNNING", Duration.ofSeconds(30));
        awaitRowState("admin", "RUNNING", Duration.ofSeconds(10));
        assertThat(serviceRow("redis").getText()).contains("redis", "RUNNING");
        assertThat(browser.driver.findElement(By.id("conn")).getText()).contains("live");
        assertThat(browser.driver.findElement(By.id("token")).getAttribute("value")).isEmpty();
        browser.screenshot("01-services");
    }

    @Test
    @Order(2)
    void aKilledRedisTurnsFailedAndThenRunningWithoutAReload() throws Exception {
        Object marker = ((JavascriptExecutor) browser.driver).executeScript("return window.__noReload = 42;");
        redis.kill();
        awaitRowState("redis", "FAILED", Duration.ofSeconds(60));
        browser.screenshot("02-redis-failed");
        tab("regeneration");
        browser.waiting(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("timeline")).getText()
                .contains("failure"));
        browser.screenshot("03-regeneration-timeline");
        tab("services");
        redis.start();
        awaitRowState("redis", "RUNNING", Duration.ofSeconds(90));
        assertThat(((JavascriptExecutor) browser.driver).executeScript("return window.__noReload;"))
                .as("the page was not reloaded").isEqualTo(marker);
        browser.screenshot("04-redis-running-again");
    }

    @Test
    @Order(3)
    void anInvalidConfigIsRefusedWithTheApisMessage() {
        String before = orchestrator.configGet("MAIL_CONFIG");
        serviceRow("mail").findElement(By.cssSelector("[data-op=edit]")).click();
        WebElement editor = browser.driver.findElement(By.id("editor-text"));
        browser.waiting(Duration.ofSeconds(15)).until(d -> editor.getAttribute("value").startsWith("{"));
        assertThat(editor.getAttribute("value")).doesNotContain("loading");
        editor.clear();
        editor.sendKeys("{\"host\": \"smtp.example.org\", \"port\": }");
        browser.driver.findElement(By.id("editor-save")).click();
        WebElement error = browser.driver.findElement(By.id("editor-error"));
        browser.waiting(Duration.ofSeconds(15)).until(d -> !error.getText().isBlank());
        System.out.println("editor error: " + error.getText());
        assertThat(error.getText()).contains("config of service 'mail'");
        assertThat(orchestrator.configGet("MAIL_CONFIG")).as("nothing stored").isEqualTo(before);
        browser.screenshot("05-config-refused");
        browser.driver.findElement(By.id("editor-cancel")).click();
    }

    @Test
    @Order(4)
    void loadingAnActionModuleShowsItsPlacement() throws Exception {
        new AdminClient(url, AdminHost.TOKEN).post("jsorc_actions_config", Map.of("name", "calc",
                "config", Map.of("module", Calc.class.getName())));
        tab("actions");
        browser.driver.findElement(By.id("load-name")).sendKeys("calc");
        browser.driver.findElement(By.cssSelector("#load-form button[type=submit]")).click();
        browser.waiting(Duration.ofSeconds(30)).until(d -> !d.findElements(
                By.cssSelector("tr[data-module='calc'][data-placement='local']")).isEmpty());
        assertThat(browser.driver.findElement(By.cssSelector("tr[data-module='calc']")).getText()).contains("local");
        browser.screenshot("06-actions-calc-local");
    }

    @Test
    @Order(5)
    void theBenchmarkChartDrawsPoints() throws Exception {
        ActionManager actions = orchestrator.get("action_manager", ActionManager.class);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                try (var request = actions.request("walker_run", "sum")) {
                    actions.call("calc.add", i++, 1);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-load");
        load.setDaemon(true);
        load.start();
        try {
            tab("benchmark");
            browser.waiting(Duration.ofSeconds(30)).until(d -> {
                WebElement chart = d.findElement(By.id("chart"));
                return "walker_run".equals(chart.getAttribute("data-type"))
                        && Integer.parseInt(chart.getAttribute("data-points")) >= 3;
            });
            WebElement chart = browser.driver.findElement(By.id("chart"));
            assertThat(chart.findElements(By.tagName("canvas"))).isNotEmpty();
            assertThat(Integer.parseInt(chart.getAttribute("data-placements"))).isGreaterThanOrEqualTo(1);
            System.out.println("chart points: " + chart.getAttribute("data-points"));
            Thread.sleep(1500);
            browser.screenshot("07-benchmark");
        } finally {
            running.set(false);
            load.join(5000);
        }
    }

    @Test
    @Order(6)
    void theTokenIsInNoUrlAndACookieRequestWithoutCsrfIsRefused() {
        List<String> urls = browser.requestedUrls();
        System.out.println("requested URLs: " + urls.size() + ", e.g. " + urls.stream().distinct().limit(12).toList());
        assertThat(urls).isNotEmpty().anyMatch(u -> u.endsWith("/js_admin/events"));
        assertThat(urls).noneMatch(u -> u.contains(AdminHost.TOKEN));
        JavascriptExecutor js = (JavascriptExecutor) browser.driver;
        assertThat(js.executeScript("return window.localStorage.length + window.sessionStorage.length;"))
                .isEqualTo(0L);
        assertThat(String.valueOf(js.executeScript("return document.cookie;"))).as("HttpOnly").isEmpty();
        Object status = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/js_admin/config_set', {method: 'POST', credentials: 'same-origin', "
                + "headers: {'Content-Type': 'application/json'}, "
                + "body: JSON.stringify({name: 'DASH_NO_CSRF', value: 'x', do_check: false})})"
                + ".then(r => done(r.status)).catch(e => done(String(e)));");
        assertThat(status).isEqualTo(403L);
        assertThat(orchestrator.configStore().hook().getGlob("DASH_NO_CSRF")).isEmpty();
    }

    @Test
    @Order(7)
    void thePageWorksOnAPhoneAndWithTheKeyboard() throws Exception {
        tab("services");
        WebElement services = browser.driver.findElement(By.id("tab-services"));
        services.sendKeys(Keys.ARROW_RIGHT);
        assertThat(browser.driver.findElement(By.id("tab-regeneration")).getAttribute("aria-selected"))
                .isEqualTo("true");
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("tab-regeneration");
        browser.driver.switchTo().activeElement().sendKeys(Keys.HOME);
        assertThat(browser.driver.findElement(By.id("view-services")).isDisplayed()).isTrue();
        browser.screenshot("08-services-1280");
        // docs/dashboard.png is this screenshot, copied by hand when the page changes (a test never writes to docs/).

        browser.size(390, 844);
        Thread.sleep(300);
        JavascriptExecutor js = (JavascriptExecutor) browser.driver;
        long pageWidth = (Long) js.executeScript("return document.documentElement.scrollWidth;");
        long viewport = (Long) js.executeScript("return document.documentElement.clientWidth;");
        System.out.println("phone: page width " + pageWidth + " px in a " + viewport + " px viewport; widest: "
                + js.executeScript("return [...document.querySelectorAll('body *')].filter(e => "
                + "e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
                + ".filter(e => !e.closest('.scroll')).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect()"
                + ".right)).slice(0, 8).join(', ');"));
        assertThat(pageWidth).as("no sideways scrolling of the page itself").isLessThanOrEqualTo(viewport);
        assertThat(serviceRow("redis").getAttribute("data-state")).isEqualTo("RUNNING");
        browser.screenshot("09-phone-services");
        tab("benchmark");
        Thread.sleep(500);
        browser.screenshot("10-phone-benchmark");
        browser.size(1280, 800);
    }
}
