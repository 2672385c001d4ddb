package com.careledger.core.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.careledger.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the portal answers on the wire, request by request, without a browser: sign-in needs the form's CSRF token,
 * every page carries the security headers, the session travels in a cookie only, and redirects never name the host a
 * request claimed in its Host header.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HttpSurfaceTest {

    private static final Pattern CSRF_PARAMETER = Pattern.compile("<meta name=\"_csrf_parameter\" content=\"([^\"]+)\"");
    private static final Pattern CSRF_TOKEN = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");
    private static final Pattern SESSION_COOKIE = Pattern.compile("JSESSIONID=([^;]+)");

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void signInWithoutTheFormsCsrfTokenIsRefused() throws Exception {
        Session session = openLoginPage();

        HttpResponse<String> withoutToken = post(session, Map.of("username", "superadmin@careledger.test",
                "password", TestDatabase.DEMO_PASSWORD));
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        assertThat(withoutToken.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> forgedToken = post(session, Map.of("username", "superadmin@careledger.test",
                "password", TestDatabase.DEMO_PASSWORD, session.csrfParameter(), "forged"));
        assertThat(forgedToken.statusCode()).isEqualTo(403);
    }

    @Test
    void signInWithTheTokenRedirectsRelativelyWithoutASessionIdInTheAddress() throws Exception {
        Session session = openLoginPage();

        HttpResponse<String> signedIn = post(session, Map.of("username", "admin@sanjeevani.test",
                "password", TestDatabase.DEMO_PASSWORD, session.csrfParameter(), session.csrfToken()));
        assertThat(signedIn.statusCode()).isEqualTo(302);
        String location = signedIn.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/").doesNotStartWith("//").doesNotContainIgnoringCase("jsessionid");
        String newSession = sessionCookie(signedIn);
        assertThat(newSession).as("the session id changes at sign-in").isNotEqualTo(session.id());
        assertThat(signedIn.headers().firstValue("Set-Cookie").orElseThrow())
                .contains("HttpOnly").containsIgnoringCase("SameSite=Lax");

        HttpResponse<String> appPage = get("/facility", newSession);
        assertThat(appPage.statusCode()).isEqualTo(200);
        assertSecurityHeaders(appPage);
    }

    @Test
    void aWrongPasswordComesBackToSignInRelatively() throws Exception {
        Session session = openLoginPage();

        HttpResponse<String> refused = post(session, Map.of("username", "nobody.here@careledger.test",
                "password", "wrong", session.csrfParameter(), session.csrfToken()));
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location")).hasValue("/login?error");
    }

    @Test
    void theSignInPageCarriesTheSecurityHeadersAndACookieOnlySession() throws Exception {
        HttpResponse<String> login = get("/login", null);
        assertThat(login.statusCode()).isEqualTo(200);
        assertSecurityHeaders(login);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("JSESSIONID=").contains("HttpOnly").containsIgnoringCase("SameSite=Lax");
        assertThat(login.body()).doesNotContainIgnoringCase("jsessionid=");
    }

    @Test
    void theAccountPagesOpenWithoutASignInAndCarryTheSecurityHeaders() throws Exception {
        // the set-password page holds a link's token in its address: same-origin referrers and no-store keep it home
        for (String path : List.of("/forgot-password", "/sign-up", "/set-password/" + "0".repeat(64))) {
            HttpResponse<String> page = get(path, null);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertSecurityHeaders(page);
        }
    }

    @Test
    void anAppPageWithoutASessionRedirectsToSignInWithoutASessionIdInTheAddress() throws Exception {
        HttpResponse<String> redirect = get("/facility", null);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/login");
        assertThat(redirect.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    /**
     * The sign-in page's style sheet loads without a sign-in, while an address that is no page sends
     * someone not signed in to sign-in (a signed-in user gets the not-found page: NavigationIT).
     */
    @Test
    void theStyleSheetLoadsForAnybodyAndAnUnknownAddressAsksForSignIn() throws Exception {
        for (String resource : List.of("/themes/careledger/styles.css")) {
            HttpResponse<String> loaded = http.send(HttpRequest.newBuilder(uri(resource)).header("Accept", "*/*").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(loaded.statusCode()).as(resource).isEqualTo(200);
        }
        HttpResponse<String> unknown = get("/no-such-page", null);
        assertThat(unknown.statusCode()).isEqualTo(302);
        assertThat(unknown.headers().firstValue("Location")).hasValue("/login");
    }

    @Test
    void aForeignHostHeaderDoesNotBecomeTheRedirectTarget() throws Exception {
        String response = raw("GET /facility HTTP/1.1\r\nHost: evil.example\r\nAccept: text/html\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 302");
        String location = header(response, "Location");
        assertThat(location).isEqualTo("/login").doesNotContain("evil.example");

        String withPort = raw("GET /admin/facilities HTTP/1.1\r\nHost: evil.example:8443\r\nAccept: text/html\r\nConnection: close\r\n\r\n");
        assertThat(header(withPort, "Location")).isEqualTo("/login");
    }

    private static void assertSecurityHeaders(HttpResponse<String> response) {
        var headers = response.headers();
        String csp = headers.firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                "base-uri 'self'", "form-action 'self'");
        assertThat(headers.firstValue("Referrer-Policy")).hasValue("same-origin");
        assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(headers.firstValue("Cache-Control").orElseThrow()).contains("no-store");
        assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
    }

    private record Session(String id, String csrfParameter, String csrfToken) {
    }

    /** Opens the sign-in page as a browser would: its session cookie and the CSRF token the page carries. */
    private Session openLoginPage() throws Exception {
        HttpResponse<String> login = get("/login", null);
        assertThat(login.statusCode()).isEqualTo(200);
        return new Session(sessionCookie(login), find(CSRF_PARAMETER, login.body()), find(CSRF_TOKEN, login.body()));
    }

    private HttpResponse<String> get(String path, String session) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").GET();
        if (session != null) {
            request.header("Cookie", "JSESSIONID=" + session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Session session, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .header("Cookie", "JSESSIONID=" + session.id())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request written byte for byte, so that its Host header can be any name; returns the response's head. */
    private String raw(String request) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n\r\n");
            return end < 0 ? response : response.substring(0, end);
        }
    }

    private static String header(String head, String name) {
        return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":"))
                .map(l -> l.substring(name.length() + 1).strip()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in\n" + head));
    }

    private static String sessionCookie(HttpResponse<?> response) {
        List<String> cookies = response.headers().allValues("Set-Cookie");
        return cookies.stream().map(SESSION_COOKIE::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + cookies));
    }

    private static String find(Pattern pattern, String html) {
        Matcher m = pattern.matcher(html);
        if (!m.find()) {
            throw new AssertionError(pattern + " not in the page");
        }
        return m.group(1);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
