package io.jsorc.cluster;

import io.jsorc.cluster.ElectionSettings.Mode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ElectionSettingsTest {

    private static final Map<String, String> ENV = Map.of("HOSTNAME", "shop-7d9f-x2", "JSORC_APP", "shop");

    @Test
    void absentMeansAutoWithClientGoDurations() {
        ElectionSettings settings = ElectionSettings.parse(null, ENV::get);
        assertThat(settings.mode()).isEqualTo(Mode.AUTO);
        assertThat(settings.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.leaseName()).isEqualTo("jsorc-leader-shop");
        assertThat(settings.identity()).matches("shop-7d9f-x2-[0-9a-f]{8}");
    }

    @Test
    void aPlainStringOrAnObjectIsAccepted() {
        assertThat(ElectionSettings.parse("none", ENV::get).mode()).isEqualTo(Mode.NONE);
        assertThat(ElectionSettings.parse(" Kube ", ENV::get).mode()).isEqualTo(Mode.KUBE);
        ElectionSettings settings = ElectionSettings.parse(Map.of("mode", "redis", "lease_duration_ms", 2000,
                "renew_deadline_ms", 1000, "retry_period_ms", 500, "app", "billing"), Map.<String, String>of()::get);
        assertThat(settings.mode()).isEqualTo(Mode.REDIS);
        assertThat(settings.leaseDuration()).isEqualTo(Duration.ofMillis(2000));
        assertThat(settings.renewDeadline()).isEqualTo(Duration.ofMillis(1000));
        assertThat(settings.retryPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.leaseName()).isEqualTo("jsorc-leader-billing");
        assertThat(settings.identity()).startsWith("jsorc-");
    }

    @Test
    void identitiesDifferForTwoOrchestratorsInOnePod() {
        assertThat(ElectionSettings.identity(ENV::get)).isNotEqualTo(ElectionSettings.identity(ENV::get));
    }

    @Test
    void badValuesAreNamedWithWhatIsAllowed() {
        assertThatThrownBy(() -> ElectionSettings.parse("zookeeper", ENV::get))
                .hasMessageContaining("zookeeper").hasMessageContaining("auto, kube, redis, none");
        assertThatThrownBy(() -> ElectionSettings.parse(Map.of("lease_ms", 1), ENV::get))
                .hasMessageContaining("unknown field 'lease_ms'").hasMessageContaining("lease_duration_ms");
        assertThatThrownBy(() -> ElectionSettings.parse(Map.of("retry_period_ms", "soon"), ENV::get))
                .hasMessageContaining("retry_period_ms").hasMessageContaining("soon");
        assertThatThrownBy(() -> ElectionSettings.parse(Map.of("lease_duration_ms", 5000), ENV::get))
                .hasMessageContaining("lease_duration_ms (5000) > renew_deadline_ms (10000)");
        assertThatThrownBy(() -> ElectionSettings.parse(Map.of("renew_deadline_ms", -1), ENV::get))
                .hasMessageContaining("must be positive");
        assertThatThrownBy(() -> ElectionSettings.parse(Map.of("app", "Shop_1"), ENV::get))
                .hasMessageContaining("DNS label").hasMessageContaining("Shop_1");
        assertThatThrownBy(() -> ElectionSettings.parse(42, ENV::get)).hasMessageContaining("must be a mode");
    }
}
