package io.keks.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalAddressingTest {
    @Test
    void theDashboardIsOn9080PlusTheShift() {
        assertThat(LocalAddressing.dashboardPort(0)).isEqualTo(9080);
        assertThat(LocalAddressing.dashboardPort(2000)).isEqualTo(11080);
    }

    @Test
    void theDashboardNeverLandsOnAPortBrowsersRefuse() {
        // Chromium answers ERR_UNSAFE_PORT for 10080, where a shift of 1000 would put the page
        assertThat(LocalAddressing.dashboardPort(1000)).isEqualTo(10081);
    }
}
