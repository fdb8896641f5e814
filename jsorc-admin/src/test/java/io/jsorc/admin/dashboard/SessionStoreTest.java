package io.jsorc.admin.dashboard;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The session store: random ids, expiry, sign-out, the bound. */
class SessionStoreTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aSessionLivesUntilItsExpiryAndNotAfter() {
        ManualClock clock = new ManualClock();
        SessionStore store = new SessionStore(Duration.ofMinutes(10), 4, clock);
        SessionStore.Created created = store.create();
        assertThat(created.id()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(created.csrf());
        assertThat(created.expiresAt()).isEqualTo(clock.now.plus(Duration.ofMinutes(10)));
        assertThat(store.find(created.id())).get().extracting(SessionStore.Live::csrf).isEqualTo(created.csrf());
        clock.now = clock.now.plus(Duration.ofMinutes(10)).minusMillis(1);
        assertThat(store.find(created.id())).isPresent();
        clock.now = clock.now.plusMillis(1);
        assertThat(store.find(created.id())).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void signOutEndsTheSessionAndUnknownIdsFindNothing() {
        SessionStore store = new SessionStore(Duration.ofHours(1), 4, new ManualClock());
        SessionStore.Created created = store.create();
        assertThat(store.find("not-a-session")).isEmpty();
        assertThat(store.find(null)).isEmpty();
        assertThat(store.find("x".repeat(10_000))).isEmpty();
        assertThat(store.end(created.id())).isTrue();
        assertThat(store.end(created.id())).isFalse();
        assertThat(store.find(created.id())).isEmpty();
    }

    @Test
    void theStoreIsBoundedAndEndsTheSessionClosestToExpiry() {
        ManualClock clock = new ManualClock();
        SessionStore store = new SessionStore(Duration.ofHours(1), 3, clock);
        List<SessionStore.Created> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(store.create());
            clock.now = clock.now.plusSeconds(1);
        }
        SessionStore.Created fourth = store.create();
        assertThat(store.size()).isEqualTo(3);
        assertThat(store.find(created.get(0).id())).as("the oldest was ended").isEmpty();
        assertThat(store.find(created.get(1).id())).isPresent();
        assertThat(store.find(fourth.id())).isPresent();
    }

    @Test
    void idsAreUniqueAndTheSecretsAreNotInToString() {
        SessionStore store = new SessionStore(Duration.ofHours(1), 1000, new ManualClock());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            SessionStore.Created created = store.create();
            assertThat(ids.add(created.id())).isTrue();
            assertThat(created.toString()).doesNotContain(created.id()).doesNotContain(created.csrf());
        }
    }

    @Test
    void badSettingsAreRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> new SessionStore(Duration.ZERO, 1, Clock.systemUTC()))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new SessionStore(Duration.ofMinutes(1), 0, Clock.systemUTC()))
                .hasMessageContaining("at least 1");
    }

    @Test
    void theCookieIsHttpOnlyStrictWithAnExpiry() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        String cookie = SessionAuth.setCookie("abc", now.plusSeconds(3600), now, false);
        assertThat(cookie).startsWith("jsorc_session=abc;").contains("; HttpOnly").contains("; SameSite=Strict")
                .contains("; Path=/").contains("; Max-Age=3600").contains("; Expires=Tue, 1 Jan 2030 01:00:00 GMT")
                .doesNotContain("Secure");
        assertThat(SessionAuth.setCookie("abc", now.plusSeconds(60), now, true)).endsWith("; Secure");
        assertThat(SessionAuth.clearCookie(false)).startsWith("jsorc_session=;").contains("Max-Age=0");
    }
}
