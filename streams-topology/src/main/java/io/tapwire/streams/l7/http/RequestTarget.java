package io.tapwire.streams.l7.http;

/**
 * The resource an HTTP request names, as Tapwire reports it: the request target's path with the query's parameter
 * names kept and their values dropped ({@code /a?x=1&y=2 → /a?x&y}), so that identifiers and secrets in query values
 * never become labels while {@code /search?q} and {@code /search?page} stay apart. The fragment (never sent by
 * conforming clients) is dropped; an absolute-form target (a request to a proxy, RFC 9112 §3.2.2) keeps only its
 * path; the authority form of CONNECT and the asterisk form of OPTIONS are kept as they are.
 */
final class RequestTarget {

    private RequestTarget() {
    }

    static String resource(String target) {
        String path = withoutSchemeAndAuthority(target);
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        int query = path.indexOf('?');
        if (query < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length()).append(path, 0, query + 1);
        int from = query + 1;
        while (from <= path.length()) {
            int next = path.indexOf('&', from);
            int end = next < 0 ? path.length() : next;
            int equals = path.indexOf('=', from);
            out.append(path, from, equals >= 0 && equals < end ? equals : end);
            if (next < 0) {
                break;
            }
            out.append('&');
            from = next + 1;
        }
        return out.toString();
    }

    private static String withoutSchemeAndAuthority(String target) {
        int scheme = target.indexOf("://");
        if (scheme <= 0 || target.charAt(0) == '/') {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        int query = target.indexOf('?', scheme + 3);
        if (path < 0 || (query >= 0 && query < path)) {
            return query < 0 ? "/" : "/" + target.substring(query);
        }
        return target.substring(path);
    }
}
