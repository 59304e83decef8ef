package io.tapwire.streams.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class TumblingWindowsTest {

    private final TumblingWindows windows = new TumblingWindows(Duration.ofSeconds(10), Duration.ofSeconds(30));

    @Test
    void windowsAreAlignedToTheEpochAndCloseAtTheirEndPlusGrace() {
        assertThat(windows.startOf(1_795_773_612_345L)).isEqualTo(1_795_773_610_000L);
        assertThat(windows.endOf(1_795_773_610_000L)).isEqualTo(1_795_773_620_000L);
        assertThat(windows.isClosed(1_795_773_610_000L, 1_795_773_649_999L)).isFalse();
        assertThat(windows.isClosed(1_795_773_610_000L, 1_795_773_650_000L)).isTrue();
        assertThat(windows.closedUntil(1_795_773_650_000L)).isEqualTo(1_795_773_620_000L);
        assertThat(windows.closedUntil(1_795_773_659_999L)).isEqualTo(1_795_773_620_000L);
    }

    @Test
    void aWindowMustHaveALength() {
        assertThatThrownBy(() -> new TumblingWindows(Duration.ZERO, Duration.ZERO)).hasMessageContaining("window size");
    }
}
