package io.tapwire.collector.redact;

import static io.tapwire.collector.redact.Bytes.latin1;
import static io.tapwire.collector.redact.Bytes.masking;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.l7.L7Protocol;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PatternRedactionTest {

    private static Redactor defaultsWith(String... patterns) {
        RedactionRules defaults = RedactionRules.defaults();
        return new Redactor(new RedactionRules(true, defaults.httpHeaders(), true, true, true,
                Arrays.stream(patterns).map(Pattern::compile).toList()));
    }

    @Test
    void aPatternWithAGroupMasksOnlyTheGroupNextToTheProtocolsOwnRule() {
        byte[] request = Captures.curlLoginForm();
        Shipped shipped = Shipped.whole(request);

        shipped.redactBy(defaultsWith("(?i)password=([^&\\s]*)"), L7Protocol.HTTP1, true);

        shipped.shouldEqual(Shipped.whole(masking(request, "Basic dXNlcjpwYXNz", "hunter2")));
    }

    @Test
    void aPatternWithoutAGroupMasksTheWholeMatchInAProtocolWithoutRulesOfItsOwn() {
        byte[] set = latin1("set stripe_key 0 0 32\r\nsk_live_4eC39HqLyjWDarjtT1zdp7dc\r\n");
        Shipped shipped = Shipped.whole(set);

        shipped.redactBy(defaultsWith("sk_live_[0-9A-Za-z]{16,}"), L7Protocol.MEMCACHED, true);

        shipped.shouldEqual(Shipped.whole(masking(set, "sk_live_4eC39HqLyjWDarjtT1zdp7dc")));
    }

    @Test
    void bytesAbove0x7fAroundAMatchComeOutUnchanged() {
        // A PostgreSQL DataRow from the server: binary lengths around a text column holding a token.
        byte[] dataRow = latin1("D\u0000\u0000\u0000\u0023\u0000\u0002\u0000\u0000\u0000\u0004\u00ff\u00fe\u00c3\u00a9"
                + "\u0000\u0000\u0000\u000ftoken=abc123\u00e9\u00ff\u0080");
        Shipped shipped = Shipped.whole(dataRow);

        shipped.redactBy(defaultsWith("token=(\\w+)"), L7Protocol.POSTGRES, false);

        shipped.shouldEqual(Shipped.whole(masking(dataRow, "abc123")));
    }

    @Test
    void patternsAreSearchedInTheTailToo() {
        byte[] response = latin1("HTTP/1.1 200 OK\r\nContent-Length: 4024\r\n\r\n" + "{\"rows\":[" + "0,".repeat(2000)
                + "0],\"password=swordfish\"}");
        Shipped shipped = Shipped.of(response, 1024, 64);

        shipped.redactBy(defaultsWith("password=(\\w+)"), L7Protocol.HTTP1, false);

        shipped.shouldEqual(Shipped.of(masking(response, "swordfish"), 1024, 64));
    }

    @Test
    void aMatchWhoseGroupTookNoPartMasksNothing() {
        byte[] line = latin1("note: secret; api_key=k-19f2\r\n");
        Shipped shipped = Shipped.whole(line);

        int masked = shipped.redactBy(defaultsWith("secret|api_key=(\\S+)"), L7Protocol.UNKNOWN, true);

        shipped.shouldEqual(Shipped.whole(masking(line, "k-19f2")));
        assertThat(masked).isEqualTo("k-19f2".length());
    }

    @Test
    void withoutPatternsAProtocolWithoutRulesIsLeftAlone() {
        byte[] set = latin1("set stripe_key 0 0 32\r\nsk_live_4eC39HqLyjWDarjtT1zdp7dc\r\n");
        Shipped shipped = Shipped.whole(set);

        assertThat(shipped.redactBy(Redactor.defaults(), L7Protocol.MEMCACHED, true)).isZero();
        shipped.shouldEqual(Shipped.whole(set));
        assertThat(RedactionRules.defaults().patterns()).isEqualTo(List.of());
    }
}
