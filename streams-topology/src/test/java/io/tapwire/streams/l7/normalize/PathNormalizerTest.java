package io.tapwire.streams.l7.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PathNormalizerTest {

    private static String normalize(String resource) {
        return PathNormalizer.DEFAULT.normalize(resource);
    }

    @Test
    void numericSegmentsAreIdsAndTheQuerysNamesStay() {
        assertThat(normalize("/users/42")).isEqualTo("/users/{id}");
        assertThat(normalize("/users/42/orders/7?expand&fields")).isEqualTo("/users/{id}/orders/{id}?expand&fields");
        assertThat(normalize("/archive/2024/05")).isEqualTo("/archive/{id}/{id}");
        assertThat(normalize("/items/9?page/2")).as("the query is not split into segments")
                .isEqualTo("/items/{id}?page/2");
        assertThat(normalize("/search?q&page")).isEqualTo("/search?q&page");
    }

    @Test
    void uuidsInEitherCaseAreIds() {
        assertThat(normalize("/orders/7c9e6679-7425-40de-944b-e07fc1f90ae7/items")).isEqualTo("/orders/{id}/items");
        assertThat(normalize("/orders/7C9E6679-7425-40DE-944B-E07FC1F90AE7")).isEqualTo("/orders/{id}");
    }

    @Test
    void hexStringsFromSixteenDigitsOnAreIds() {
        assertThat(normalize("/commits/3f786850e387550fdab836ed7e6dc881de23001b")).isEqualTo("/commits/{id}");
        assertThat(normalize("/docs/507f1f77bcf86cd799439011")).as("a Mongo ObjectId").isEqualTo("/docs/{id}");
        assertThat(normalize("/traces/0123456789abcdef")).isEqualTo("/traces/{id}");
        assertThat(normalize("/traces/0123456789abcde")).as("15 digits").isEqualTo("/traces/0123456789abcde");
        assertThat(normalize("/colors/ff00ff")).isEqualTo("/colors/ff00ff");
    }

    @Test
    void base64IshTokensFromTwentyCharactersWithDigitsAndLettersAreIds() {
        assertThat(normalize("/invite/aGVsbG8gd29ybGQgMTIzNDU2")).isEqualTo("/invite/{id}");
        assertThat(normalize("/files/dGVzdA-_x9ZqP1rT0kLmNoPq==")).isEqualTo("/files/{id}");
        assertThat(normalize("/v1/customers/cus_J4n5kX9a8bQwErTy")).isEqualTo("/v1/customers/{id}");
        assertThat(normalize("/t/abc123def456ghi789jk")).isEqualTo("/t/{id}");
        assertThat(normalize("/t/abc123def456ghi789j")).as("19 characters").isEqualTo("/t/abc123def456ghi789j");
        assertThat(normalize("/docs/getting-started-with-tapwire")).as("no digit")
                .isEqualTo("/docs/getting-started-with-tapwire");
        assertThat(normalize("/blog/release-notes-2024-q1")).as("a long slug with a digit names one item too")
                .isEqualTo("/blog/{id}");
        assertThat(normalize("/t/abc=def1234567890123456")).as("= inside is no padding")
                .isEqualTo("/t/abc=def1234567890123456");
    }

    @Test
    void wordsVersionsDatesAndFileNamesStay() {
        assertThat(normalize("/api/v2/users/me")).isEqualTo("/api/v2/users/me");
        assertThat(normalize("/v1.2.3/reports/2024-01-05/summary.pdf"))
                .isEqualTo("/v1.2.3/reports/2024-01-05/summary.pdf");
        assertThat(normalize("/users/john%40example.com")).isEqualTo("/users/john%40example.com");
        assertThat(normalize("/grpc.health.v1.Health/Check")).isEqualTo("/grpc.health.v1.Health/Check");
    }

    @Test
    void matrixParametersKeepTheirNamesAndLoseTheirIds() {
        assertThat(normalize("/cart;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9"))
                .isEqualTo("/cart;jsessionid={id}");
        assertThat(normalize("/items/12;color=red;size=42")).isEqualTo("/items/{id};color=red;size={id}");
        assertThat(normalize("/a;flag/b")).isEqualTo("/a;flag/b");
    }

    @Test
    void emptySegmentsTrailingSlashesAndOtherRequestTargetFormsStay() {
        assertThat(normalize("/users/42/")).isEqualTo("/users/{id}/");
        assertThat(normalize("//a//1")).isEqualTo("//a//{id}");
        assertThat(normalize("/")).isEqualTo("/");
        assertThat(normalize("")).isEmpty();
        assertThat(normalize(null)).isNull();
        assertThat(normalize("example.com:443")).as("CONNECT's authority form").isEqualTo("example.com:443");
        assertThat(normalize("*")).as("OPTIONS' asterisk form").isEqualTo("*");
        assertThat(normalize("42")).isEqualTo("{id}");
    }

    @Test
    void longPathsAreCutWithAnEllipsis() {
        assertThat(PathNormalizer.DEFAULT.withMaxLength(16).normalize("/a/very/long/path/that/goes/on"))
                .isEqualTo("/a/very/long/pa…");
        assertThat(PathNormalizer.DEFAULT.withMaxLength(16).normalize("/users/1234567890/x"))
                .as("cut after the ids are replaced").isEqualTo("/users/{id}/x");
        assertThat(PathNormalizer.DEFAULT.normalize("/x/" + "path/".repeat(200))).hasSize(256).endsWith("…");
        assertThatThrownBy(() -> PathNormalizer.DEFAULT.withMaxLength(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
