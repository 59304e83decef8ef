package io.tapwire.collector.redact;

import static io.tapwire.collector.redact.Bytes.concat;
import static io.tapwire.collector.redact.Bytes.latin1;
import static io.tapwire.collector.redact.Bytes.masking;
import static io.tapwire.collector.redact.Bytes.stars;
import static org.assertj.core.api.Assertions.assertThat;

import io.tapwire.collector.l7.L7Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisAuthRedactionTest {

    private static final int HEAD = 16384;
    private static final int TAIL = 64;

    private final Redactor defaults = Redactor.defaults();

    @Test
    void redisClisAuthKeepsItsRespFramingAndLosesThePassword() {
        byte[] command = Captures.redisCliAuth();
        Shipped shipped = Shipped.of(command, HEAD, TAIL);

        int masked = shipped.redactBy(defaults, L7Protocol.REDIS, true);

        shipped.shouldEqual(Shipped.of(latin1("*2\r\n$4\r\nAUTH\r\n$6\r\n******\r\n"), HEAD, TAIL));
        assertThat(masked).isEqualTo(6);
    }

    @Test
    void authWithAUserNameMasksBothArguments() {
        byte[] command = Captures.redisCliAuthUser();
        Shipped shipped = Shipped.whole(command);

        shipped.redactBy(defaults, L7Protocol.REDIS, true);

        shipped.shouldEqual(Shipped.whole(latin1("*3\r\n$4\r\nAUTH\r\n$3\r\n***\r\n$6\r\n******\r\n")));
    }

    @Test
    void helloMasksTheUserAndPasswordAfterItsAuthToken() {
        byte[] command = Captures.redisCliHello();
        Shipped shipped = Shipped.whole(command);

        shipped.redactBy(defaults, L7Protocol.REDIS, true);

        shipped.shouldEqual(Shipped.whole(
                latin1("*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$7\r\n*******\r\n$6\r\n******\r\n")));
    }

    @Test
    void commandNamesCompareCaseInsensitivelyAndSetnameStaysVisible() {
        byte[] command = latin1("*7\r\n$5\r\nhello\r\n$1\r\n3\r\n$4\r\nauth\r\n$3\r\napp\r\n$6\r\ns3cr3t\r\n"
                + "$7\r\nSETNAME\r\n$6\r\nworker\r\n");
        Shipped shipped = Shipped.whole(command);

        shipped.redactBy(defaults, L7Protocol.REDIS, true);

        shipped.shouldEqual(Shipped.whole(masking(command, "app", "s3cr3t")));
    }

    @Test
    void pipelinedCommandsAreWalkedOneAfterAnother() {
        byte[] set = latin1("*3\r\n$3\r\nSET\r\n$4\r\nAUTH\r\n$6\r\nvalue!\r\n");
        byte[] data = concat(set, Captures.redisCliAuth(), Captures.redisCliGet(), Captures.redisCliHello());
        Shipped shipped = Shipped.whole(data);

        shipped.redactBy(defaults, L7Protocol.REDIS, true);

        // SET's key happens to read AUTH: only a command name decides.
        shipped.shouldEqual(Shipped.whole(concat(set, latin1("*2\r\n$4\r\nAUTH\r\n$6\r\n******\r\n"),
                Captures.redisCliGet(),
                latin1("*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$7\r\n*******\r\n$6\r\n******\r\n"))));
    }

    @Test
    void inlineCommandsAreReadToo() {
        byte[] data = latin1("AUTH secret\r\nPING\r\nhello 3 auth default \"s3 cr3t\" setname app\r\nauth app pw\n");
        Shipped shipped = Shipped.whole(data);

        shipped.redactBy(defaults, L7Protocol.REDIS, true);

        shipped.shouldEqual(Shipped.whole(masking(data, "secret", "default", "\"s3 cr3t\"", "app pw")));
    }

    @Test
    void anAuthAfterALongValueIsFoundInTheTailByTheBulkLengths() {
        byte[] set = latin1("*3\r\n$3\r\nSET\r\n$8\r\nsnapshot\r\n$20000\r\n" + "v".repeat(20000) + "\r\n");
        byte[] data = concat(set, Captures.redisCliAuth());
        Shipped shipped = Shipped.of(data, HEAD, TAIL);

        shipped.redactBy(defaults, L7Protocol.REDIS, true);

        shipped.shouldEqual(Shipped.of(concat(set, latin1("*2\r\n$4\r\nAUTH\r\n$6\r\n******\r\n")), HEAD, TAIL));
    }

    @Test
    void aPasswordRunningPastTheHeadIsMaskedToItsEndInTheTailAndTheNextCommandIsKept() {
        String password = "p".repeat(300);
        byte[] data = concat(latin1("*2\r\n$4\r\nAUTH\r\n$300\r\n" + password + "\r\n"), Captures.redisCliGet());
        Shipped shipped = Shipped.of(data, 40, 32);

        shipped.redactBy(defaults, L7Protocol.REDIS, true);

        shipped.shouldEqual(Shipped.of(masking(data, password), 40, 32));
        assertThat(shipped.tail()).isEqualTo(latin1(stars(10) + "\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
    }

    @Test
    void switchedOffOrFromTheServerNothingIsMasked() {
        byte[] command = Captures.redisCliAuth();
        Redactor noRedis = new Redactor(new RedactionRules(true, List.of("Cookie"), true, true, false, List.of()));
        Shipped switchedOff = Shipped.whole(command);
        Shipped fromServer = Shipped.whole(command);

        assertThat(switchedOff.redactBy(noRedis, L7Protocol.REDIS, true)).isZero();
        assertThat(fromServer.redactBy(defaults, L7Protocol.REDIS, false)).isZero();

        switchedOff.shouldEqual(Shipped.whole(command));
        fromServer.shouldEqual(Shipped.whole(command));
    }

    @Test
    void malformedRespStopsTheWalkWithoutThrowing() {
        for (String garbage : List.of("*x\r\n", "*2\r\n$4\r\nAUTH\r\n$-1\r\n", "*2\r\n$4\r\nAUTH\r\n:6\r\nsecret\r\n",
                "*99999999999999999999\r\n", "*2\r\n$4\r\nAUTH\r\n$99999999999999\r\nsecret\r\n", "*1\r\n$4\r\nAU")) {
            Shipped shipped = Shipped.whole(latin1(garbage));
            shipped.redactBy(defaults, L7Protocol.REDIS, true);
            assertThat(shipped.head()).hasSize(garbage.length());
        }
    }
}
