package io.tapwire.collector.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RedactionRulesTest {

    @Test
    void byDefaultEveryRuleIsOnWithTheFourCredentialHeadersAndNoPatterns() {
        RedactionRules defaults = RedactionRules.defaults();

        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.httpHeaders())
                .containsExactly("Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization");
        assertThat(defaults.postgresPasswords()).isTrue();
        assertThat(defaults.mysqlAuth()).isTrue();
        assertThat(defaults.redisAuth()).isTrue();
        assertThat(defaults.patterns()).isEmpty();
    }

    @Test
    void disabledSwitchesEverythingOff() {
        RedactionRules disabled = RedactionRules.disabled();

        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.httpHeaders()).isEmpty();
        assertThat(disabled.postgresPasswords() || disabled.mysqlAuth() || disabled.redisAuth()).isFalse();
        assertThat(disabled.patterns()).isEmpty();
    }

    @Test
    void aHeaderNameThatIsNoFieldNameIsRejectedNamingIt() {
        assertThatThrownBy(() -> new RedactionRules(true, List.of("Cookie", "X Api Key"), true, true, true, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'X Api Key'");
        assertThatThrownBy(() -> new RedactionRules(true, List.of("Cookie:"), true, true, true, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Cookie:'");
        assertThatThrownBy(() -> new RedactionRules(true, List.of(""), true, true, true, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theListsAreCopiedSoLaterChangesToTheCallersListsDoNotLeakIn() {
        List<String> headers = new ArrayList<>(List.of("Cookie"));
        List<Pattern> patterns = new ArrayList<>(List.of(Pattern.compile("x")));
        RedactionRules rules = new RedactionRules(true, headers, true, true, true, patterns);

        headers.add("Authorization");
        patterns.clear();

        assertThat(rules.httpHeaders()).containsExactly("Cookie");
        assertThat(rules.patterns()).hasSize(1);
    }
}
