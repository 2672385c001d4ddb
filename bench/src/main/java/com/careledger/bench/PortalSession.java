package com.careledger.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.careledger.bench.ServerTiming.Kind;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One signed-in portal session at HTTP level: the requests a browser running Vaadin Flow's client makes, without the
 * browser. What it keeps is what the browser keeps: the session cookie, and per UI its id, Vaadin's CSRF token
 * ({@code Vaadin-Security-Key}), the last server sync id and the next client message id.
 *
 * <p>Signing in, as the browser does it (Vaadin Flow 25.2: {@code Flow.ts}, {@code JavaScriptBootstrapHandler},
 * {@code ServerRpcHandler}, {@code UI.browserNavigate}):
 * <ol>
 * <li>{@code GET /login}: the page, with the session cookie and Spring Security's CSRF token in its meta tags;</li>
 * <li>{@code GET /?v-r=init&location=login&...}: Flow's client asks for a UI (the browser's details as query
 * parameters); the answer is JSON with the UI's id and its first UIDL message, which carries the UI's CSRF token;</li>
 * <li>{@code POST /?v-r=uidl&v-uiId=N} with the {@code ui-navigate} event on the UI's root node (node 1): the server
 * renders the sign-in view;</li>
 * <li>{@code POST /login} with the form (email, password, {@code _csrf}): Spring Security signs in (the database
 * checks the password) and changes the session id; the answer redirects to {@code /};</li>
 * <li>the unload beacon of the sign-in page's UI ({@code "UNLOAD": true}), which the browser sends when it leaves the
 * page, so the server closes that UI;</li>
 * <li>{@code GET /}, {@code v-r=init} with location "" and {@code ui-navigate}: the root view forwards to the role's
 * landing page, which is rendered (for a facility admin, {@code /facility}, with its database queries).</li>
 * </ol>
 * Keeping it alive: a heartbeat ({@code POST /?v-r=heartbeat&v-uiId=N}, what the client sends every five minutes) and
 * a click on the menu's link to the landing page, the page shown (a UIDL round trip; the router keeps the view).
 *
 * <p>Every answer is checked: the status, the JSON, no session-expired or error meta in a UIDL answer, the client
 * message id acknowledged. A session that stopped working fails the run.
 */
final class PortalSession {

    private static final Pattern CSRF_PARAMETER = Pattern.compile("<meta name=\"_csrf_parameter\" content=\"([^\"]+)\"");
    private static final Pattern CSRF_TOKEN = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");
    private static final Pattern SESSION_COOKIE = Pattern.compile("JSESSIONID=([^;]+)");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** The details Flow's client sends with {@code v-r=init}: a 1366×768 desktop Chromium in India. */
    private static final String BROWSER_DETAILS = "&v-sh=768&v-sw=1366&v-wh=657&v-ww=1366&v-bh=657&v-bw=1366"
            + "&v-tzo=-330&v-dstd=0&v-rtzo=-330&v-dston=false&v-tzid=Asia%2FKolkata&v-td=false&v-pr=1"
            + "&v-np=Linux%20x86_64&v-cs=&v-pv=visible&v-fs=&v-so=landscape-primary&v-soa=0&v-tn=lumo&v-ws=false";

    /** A UI of this session as the client keeps it. */
    private static final class Ui {
        final int id;
        final String csrfToken;
        int syncId;
        int clientId;

        Ui(int id, String csrfToken, int syncId) {
            this.id = id;
            this.csrfToken = csrfToken;
            this.syncId = syncId;
        }
    }

    private final HttpClient http;
    private final String base;
    /** The client's round trips: from sending a request to having read the whole answer. */
    private final TimingLog roundTrips;
    private String cookie;
    private Ui ui;
    /** Where the landing page is, as the server's answer to the first navigation put it in the history. */
    private String landing;

    PortalSession(HttpClient http, int port, TimingLog roundTrips) {
        this.http = http;
        this.base = "http://127.0.0.1:" + port;
        this.roundTrips = roundTrips;
    }

    /** Signs in as a browser does and opens the app's landing page; see the class comment. */
    void signIn(String email, String password) throws IOException, InterruptedException {
        HttpResponse<String> login = send(Kind.SIGN_IN_PAGE, get("/login"));
        expect(login, 200, "the sign-in page");
        cookie = sessionCookie(login);
        String csrfParameter = find(CSRF_PARAMETER, login.body());
        String csrfToken = find(CSRF_TOKEN, login.body());

        Ui loginUi = init(Kind.SIGN_IN_UI, "login");
        navigate(Kind.SIGN_IN_VIEW, loginUi, "login", "");

        String form = Map.of("username", email, "password", password, csrfParameter, csrfToken).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> signedIn = send(Kind.SIGN_IN, request("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        expect(signedIn, 302, "signing in as " + email);
        String location = signedIn.headers().firstValue("Location").orElse("");
        if (location.contains("error")) {
            throw new IllegalStateException("signing in as " + email + " failed: redirected to " + location);
        }
        cookie = sessionCookie(signedIn);

        unload(loginUi);

        expect(send(Kind.PAGE, get("/")), 200, "the app's page");
        ui = init(Kind.UI_INIT, "");
        landing = navigate(Kind.LANDING, ui, "", "");
        if (landing == null || landing.isEmpty() || landing.equals("login")) {
            throw new IllegalStateException(email + " landed on no page of the app (location '" + landing + "')");
        }
    }

    /** The heartbeat the client sends every heartbeat interval, which keeps the UI from being closed. */
    void heartbeat() throws IOException, InterruptedException {
        expect(send(Kind.HEARTBEAT, request("/?v-r=heartbeat&v-uiId=" + ui.id)
                .POST(HttpRequest.BodyPublishers.noBody())), 200, "a heartbeat");
    }

    /**
     * A click on the menu's link to the page shown: a UIDL round trip in which the router finds the route already
     * shown and keeps its view (it sets the title and acknowledges the navigation).
     */
    void revisitLandingPage() throws IOException, InterruptedException {
        navigate(Kind.REVISIT, ui, landing, "link");
    }

    String landingPage() {
        return landing;
    }

    private Ui init(Kind kind, String location) throws IOException, InterruptedException {
        HttpResponse<String> answer = send(kind, get("/?v-r=init&location="
                + URLEncoder.encode(location, StandardCharsets.UTF_8) + "&query=" + BROWSER_DETAILS));
        expect(answer, 200, "a new UI at '" + location + "'");
        JsonNode appConfig = JSON.readTree(answer.body()).path("appConfig");
        JsonNode uidl = appConfig.path("uidl");
        if (!appConfig.has("v-uiId") || !uidl.has("Vaadin-Security-Key")) {
            throw new IllegalStateException("no UI in the answer to v-r=init: " + abbreviate(answer.body()));
        }
        return new Ui(appConfig.path("v-uiId").asInt(), uidl.path("Vaadin-Security-Key").asString(),
                uidl.path("syncId").asInt());
    }

    /**
     * Sends the client's {@code ui-navigate} event to the UI's root node and returns where the server put the
     * browser's address (the url of the last {@code vaadin-navigate} it asks the client to make, as when the root view
     * forwards to the landing page), or the route asked for when it asks for none.
     */
    private String navigate(Kind kind, Ui target, String route, String trigger) throws IOException, InterruptedException {
        ObjectNode data = JSON.createObjectNode();
        data.put("route", route);
        data.put("query", "");
        data.put("appShellTitle", "");
        data.putNull("historyState");
        data.put("trigger", trigger);
        ObjectNode event = JSON.createObjectNode();
        event.put("type", "event");
        event.put("node", 1);
        event.put("event", "ui-navigate");
        event.set("data", data);
        JsonNode answer = uidl(kind, target, List.of(event), false);
        // the server moves the browser's address with an execute entry [state, url, replace, callback, script]
        String location = route;
        for (JsonNode call : answer.path("execute")) {
            if (call.isArray() && call.size() >= 2 && call.get(call.size() - 1).asString("").contains("'vaadin-navigate'")) {
                location = call.get(1).asString(location);
            }
        }
        return location.startsWith("/") ? location.substring(1) : location;
    }

    /** The beacon the browser sends as it leaves a page: the server closes the page's UI. */
    private void unload(Ui target) throws IOException, InterruptedException {
        uidl(Kind.UNLOAD, target, List.of(), true);
    }

    private JsonNode uidl(Kind kind, Ui target, List<ObjectNode> rpc, boolean unloadBeacon)
            throws IOException, InterruptedException {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("csrfToken", target.csrfToken);
        ArrayNode invocations = payload.putArray("rpc");
        rpc.forEach(invocations::add);
        if (unloadBeacon) {
            payload.put("UNLOAD", true);
        }
        payload.put("syncId", target.syncId);
        payload.put("clientId", target.clientId++);
        HttpResponse<String> answer = send(kind, request("/?v-r=uidl&v-uiId=" + target.id)
                .header("Content-Type", unloadBeacon ? "text/plain;charset=UTF-8" : "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(payload.toString())));
        expect(answer, 200, "a UIDL request to UI " + target.id);
        if (unloadBeacon) {
            return JSON.createObjectNode();
        }
        String body = answer.body();
        String prefix = "for(;;);";
        JsonNode message = JSON.readTree(body.startsWith(prefix) ? body.substring(prefix.length()) : body);
        if (message.isArray()) {
            message = message.path(0);
        }
        JsonNode meta = message.path("meta");
        if (meta.path("sessionExpired").asBoolean(false) || meta.has("appError") || !message.has("syncId")) {
            throw new IllegalStateException("UI " + target.id + " answered as no longer alive: " + abbreviate(body));
        }
        if (message.path("clientId").asInt(-1) != target.clientId) {
            throw new IllegalStateException("UI " + target.id + " did not acknowledge message " + (target.clientId - 1)
                    + ": " + abbreviate(body));
        }
        target.syncId = message.path("syncId").asInt();
        return message;
    }

    private HttpRequest.Builder get(String path) {
        return request(path).header("Accept", "text/html,application/json").GET();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            builder.header("Cookie", "JSESSIONID=" + cookie);
        }
        return builder;
    }

    private HttpResponse<String> send(Kind kind, HttpRequest.Builder request) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        HttpResponse<String> response = http.send(request.header(ServerTiming.HEADER, kind.name()).build(),
                HttpResponse.BodyHandlers.ofString());
        roundTrips.record(kind, System.nanoTime() - t0);
        return response;
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(what + ": HTTP " + response.statusCode() + " (expected " + status + ") "
                    + response.request().uri() + "\n" + abbreviate(response.body()));
        }
    }

    private static String sessionCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream().map(SESSION_COOKIE::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no session cookie from " + response.request().uri()));
    }

    private static String find(Pattern pattern, String html) {
        Matcher m = pattern.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException(pattern + " is not in the sign-in page:\n" + abbreviate(html));
        }
        return m.group(1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
    }
}
