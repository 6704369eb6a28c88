import ArgumentParser
import Foundation
import Hummingbird
import IPAddressing
import Logging
import SandboxMode
import Server
import Translation

/// `onemsg-bridge serve`: runs the bridge until SIGINT or SIGTERM, then drains in-flight requests.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the bridge.")

    @Option(help: "Address to listen on (env BRIDGE_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (env BRIDGE_PORT; default 8080).")
    var port: Int?

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Graph API base URL (env BRIDGE_GRAPH_URL; default https://graph.facebook.com).")
    var graphURL: String?

    @Option(help: "Graph API version (env BRIDGE_GRAPH_API_VERSION; default v23.0).")
    var graphAPIVersion: String?

    @Option(help: "URL clients and Meta use to reach the bridge (env BRIDGE_PUBLIC_URL).")
    var publicURL: String?

    @Flag(help: "Serve a simulated Cloud API and a demo channel; no Meta account needed (env BRIDGE_SANDBOX=1).")
    var sandbox = false

    @Option(help: "Upstream connect timeout in seconds (env BRIDGE_UPSTREAM_CONNECT_TIMEOUT; default 5).")
    var upstreamConnectTimeout: Double?

    @Option(help: "Upstream total timeout in seconds (env BRIDGE_UPSTREAM_TIMEOUT; default 30).")
    var upstreamTimeout: Double?

    @Option(
        help:
            "Seconds a send held back by Meta's rate limits is retried before the client gets HTTP 429 (env BRIDGE_SEND_RETRY_WINDOW; default 5)."
    )
    var sendRetryWindow: Double?

    @Option(help: "Hours a client webhook delivery is retried before it becomes a dead letter (env BRIDGE_WEBHOOK_RETRY_HOURS; default 24).")
    var webhookRetryHours: Double?

    @Option(help: "Longest wait between two delivery attempts, in seconds (env BRIDGE_WEBHOOK_RETRY_MAX_DELAY; default 600).")
    var webhookRetryMaxDelay: Double?

    @Option(help: "Time limit of one delivery attempt, in seconds (env BRIDGE_WEBHOOK_TIMEOUT; default 10).")
    var webhookTimeout: Double?

    @Flag(
        help:
            "Let uploadMedia fetch URLs that resolve to private, loopback or link-local addresses (env BRIDGE_ALLOW_PRIVATE_FETCH=1; default: public addresses only)."
    )
    var allowPrivateFetch = false

    @Flag(
        help:
            "Refuse client webhook URLs that resolve to private, loopback, link-local or reserved addresses, when set and at delivery (env BRIDGE_DENY_PRIVATE_WEBHOOKS=1; default: allowed)."
    )
    var denyPrivateWebhooks = false

    @Option(
        help:
            "A load balancer or proxy range (CIDR, repeatable) whose X-Forwarded-For names the client, for the wrong-token cool-down (env BRIDGE_TRUSTED_PROXY, comma-separated; default: none)."
    )
    var trustedProxy: [String] = []

    @Option(
        help:
            "Failed authentications within a minute that put a client address on a 60 s cool-down (429, tokens unchecked) (env BRIDGE_WRONG_TOKEN_LIMIT; default 20; 0 turns it off)."
    )
    var wrongTokenLimit: Int?

    @Option(
        help:
            "Connections kept open to the Cloud API and to each webhook receiver at most: calls under way at once (env BRIDGE_UPSTREAM_CONNECTIONS; default 64)."
    )
    var upstreamConnections: Int?

    @Option(
        help:
            "Requests under way at most; more get 503 with Retry-After, so an overload cannot exhaust memory (env BRIDGE_MAX_IN_FLIGHT; default 512; 0 turns it off)."
    )
    var maxInFlight: Int?

    @Option(
        help:
            "The address the bridge's requests leave from, answered by GET /outputIP (env BRIDGE_EGRESS_IP; default: the local address of the route to the Graph host; the sandbox answers 127.0.0.1)."
    )
    var egressIp: String?

    @Option(
        help: "Price per message by Meta pricing category for /statistics, e.g. marketing=0.025,utility=0.004 (env BRIDGE_PRICES; default 0 for all)."
    )
    var prices: String?

    @Option(help: "Seconds GET /templates serves Meta's list before reading it again (env BRIDGE_TEMPLATE_REFRESH; default 300).")
    var templateRefresh: Double?

    @Option(
        help:
            "Seconds a connection may send nothing (trickled headers, a stalled body, an idle keep-alive) before it is closed (env BRIDGE_IDLE_TIMEOUT; default 30)."
    )
    var idleTimeout: Double?

    @Option(help: "Seconds a request body may take to arrive in full; then 408 (env BRIDGE_BODY_READ_TIMEOUT; default 300).")
    var bodyReadTimeout: Double?

    @Option(
        help:
            "Body limits of single operations in MiB, as the 413 names them, e.g. sendMessage=4,POST /cloud/webhook=8 (env BRIDGE_BODY_LIMITS; default 16, sendFile and uploadMedia 101)."
    )
    var bodyLimits: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env BRIDGE_LOG_LEVEL; default info).")
    var logLevel: String?

    func run() async throws {
        let config = try makeConfiguration()
        let app = try await buildApplication(
            config, dependencies: BridgeDependencies(simulatedUpstream: config.sandbox ? SandboxUpstream() : nil))
        try await app.runService()
    }

    func makeConfiguration() throws -> BridgeConfiguration {
        var config = BridgeConfiguration()
        config.host = host ?? Environment.value("BRIDGE_HOST") ?? config.host
        if let port = try port ?? Environment.value("BRIDGE_PORT").map({ try parse(Int.self, $0, "BRIDGE_PORT") }) {
            guard (0...65535).contains(port) else { throw ValidationError("port must be between 0 and 65535") }
            config.port = port
        }
        config.database = database.resolved
        config.databasePoolSize = try database.resolvedPoolSize()
        config.graphURL = graphURL ?? Environment.value("BRIDGE_GRAPH_URL") ?? config.graphURL
        config.graphAPIVersion = graphAPIVersion ?? Environment.value("BRIDGE_GRAPH_API_VERSION") ?? config.graphAPIVersion
        config.publicURL = publicURL ?? Environment.value("BRIDGE_PUBLIC_URL")
        config.sandbox = sandbox || ["1", "true", "yes"].contains(Environment.value("BRIDGE_SANDBOX")?.lowercased() ?? "")
        if let seconds = try upstreamConnectTimeout
            ?? Environment.value("BRIDGE_UPSTREAM_CONNECT_TIMEOUT").map({ try parse(Double.self, $0, "BRIDGE_UPSTREAM_CONNECT_TIMEOUT") })
        {
            config.upstreamConnectTimeout = .milliseconds(Int64(seconds * 1000))
        }
        if let seconds = try upstreamTimeout
            ?? Environment.value("BRIDGE_UPSTREAM_TIMEOUT").map({ try parse(Double.self, $0, "BRIDGE_UPSTREAM_TIMEOUT") })
        {
            config.upstreamTimeout = .milliseconds(Int64(seconds * 1000))
        }
        if let window = try seconds(sendRetryWindow, "BRIDGE_SEND_RETRY_WINDOW") {
            config.sendRetryWindow = .milliseconds(Int64(window * 1000))
        }
        if let hours = try seconds(webhookRetryHours, "BRIDGE_WEBHOOK_RETRY_HOURS") {
            config.retryPolicy.maxAge = .milliseconds(Int64(hours * 3_600_000))
        }
        if let delay = try seconds(webhookRetryMaxDelay, "BRIDGE_WEBHOOK_RETRY_MAX_DELAY") {
            config.retryPolicy.maxDelay = .milliseconds(Int64(delay * 1000))
            config.retryPolicy.firstDelay = min(config.retryPolicy.firstDelay, config.retryPolicy.maxDelay)
        }
        if let timeout = try seconds(webhookTimeout, "BRIDGE_WEBHOOK_TIMEOUT") {
            config.retryPolicy.attemptTimeout = .milliseconds(Int64(timeout * 1000))
        }
        if allowPrivateFetch || ["1", "true", "yes"].contains(Environment.value("BRIDGE_ALLOW_PRIVATE_FETCH")?.lowercased() ?? "") {
            config.fetchPolicy.allowPrivate = true
        }
        if denyPrivateWebhooks || ["1", "true", "yes"].contains(Environment.value("BRIDGE_DENY_PRIVATE_WEBHOOKS")?.lowercased() ?? "") {
            config.denyPrivateWebhooks = true
        }
        let proxies = trustedProxy.isEmpty ? (Environment.value("BRIDGE_TRUSTED_PROXY") ?? "").split(separator: ",").map(String.init) : trustedProxy
        config.trustedProxies = try proxies.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { text in
            guard let range = AddressRange(text) else {
                throw ValidationError("trusted proxy must be an address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32, not \"\(text)\"")
            }
            return range
        }
        if let limit = try wrongTokenLimit
            ?? Environment.value("BRIDGE_WRONG_TOKEN_LIMIT").map({ try parse(Int.self, $0, "BRIDGE_WRONG_TOKEN_LIMIT") })
        {
            guard limit >= 0 else { throw ValidationError("wrong-token limit must be 0 (off) or more") }
            config.wrongTokenLimit = limit
        }
        if let connections = try upstreamConnections
            ?? Environment.value("BRIDGE_UPSTREAM_CONNECTIONS").map({ try parse(Int.self, $0, "BRIDGE_UPSTREAM_CONNECTIONS") })
        {
            guard (1...10_000).contains(connections) else { throw ValidationError("upstream connections must be 1 to 10000") }
            config.upstreamConnections = connections
        }
        if let limit = try maxInFlight ?? Environment.value("BRIDGE_MAX_IN_FLIGHT").map({ try parse(Int.self, $0, "BRIDGE_MAX_IN_FLIGHT") }) {
            guard limit >= 0 else { throw ValidationError("max in flight must be 0 (off) or more") }
            config.maxInFlight = limit
        }
        config.egressIP = egressIp ?? Environment.value("BRIDGE_EGRESS_IP")
        if let text = prices ?? Environment.value("BRIDGE_PRICES") {
            guard let table = PriceTable(parsing: text) else {
                throw ValidationError("prices must look like marketing=0.025,utility=0.004 (category=non-negative number, comma-separated)")
            }
            config.prices = table
        }
        if let refresh = try seconds(templateRefresh, "BRIDGE_TEMPLATE_REFRESH") {
            config.templateRefreshInterval = .milliseconds(Int64(refresh * 1000))
        }
        if let idle = try seconds(idleTimeout, "BRIDGE_IDLE_TIMEOUT") {
            config.idleTimeout = .milliseconds(Int64(idle * 1000))
        }
        if let read = try seconds(bodyReadTimeout, "BRIDGE_BODY_READ_TIMEOUT") {
            config.bodyReadTimeout = .milliseconds(Int64(read * 1000))
        }
        if let text = bodyLimits ?? Environment.value("BRIDGE_BODY_LIMITS") {
            guard let limits = BridgeConfiguration.parseBodyLimits(text) else {
                throw ValidationError("body limits must look like sendMessage=4,sendFile=50 (operation=MiB, comma-separated)")
            }
            config.operationBodyLimits = limits
        }
        if let level = logLevel ?? Environment.value("BRIDGE_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ValidationError("log level must be one of trace, debug, info, notice, warning, error, critical")
            }
            config.logLevel = parsed
        }
        return config
    }

    /// A positive number from a flag or its environment variable.
    private func seconds(_ flag: Double?, _ variable: String) throws -> Double? {
        guard let value = try flag ?? Environment.value(variable).map({ try parse(Double.self, $0, variable) }) else { return nil }
        guard value > 0 else { throw ValidationError("\(variable) must be positive") }
        return value
    }

    private func parse<T: LosslessStringConvertible>(_ type: T.Type, _ text: String, _ name: String) throws -> T {
        guard let value = T(text) else { throw ValidationError("\(name) must be a number, not \"\(text)\"") }
        return value
    }
}
