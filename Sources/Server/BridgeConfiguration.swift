import Delivery
import Foundation
import IPAddressing
import Logging
import Translation

/// Everything `serve` can be told; every field has the default a newcomer needs.
public struct BridgeConfiguration: Sendable {
    /// Address to listen on.
    public var host: String = "127.0.0.1"
    /// Port to listen on; 0 picks a free one (tests).
    public var port: Int = 8080
    /// SQLite file path, or a `postgres://` URL.
    public var database: String = "./.bridge/bridge.sqlite"
    /// The most connections a PostgreSQL store keeps open (ignored for SQLite).
    public var databasePoolSize: Int = 10
    /// The Graph API base URL (ignored with `sandbox`).
    public var graphURL: String = "https://graph.facebook.com"
    /// The Graph API version in upstream paths.
    public var graphAPIVersion: String = "v23.0"
    /// The URL clients and Meta reach the bridge at, for links the bridge prints or hands out.
    public var publicURL: String?
    /// Serve a simulated Cloud API and a demo channel; no Meta account needed.
    public var sandbox: Bool = false
    /// Upstream connect timeout.
    public var upstreamConnectTimeout: Duration = .seconds(5)
    /// Upstream total timeout for one call (also the read timeout).
    public var upstreamTimeout: Duration = .seconds(30)
    /// How long a send held back by Meta's rate limits (130429, 80007, 4, 613) is retried before the client gets
    /// HTTP 429 (`--send-retry-window`).
    public var sendRetryWindow: Duration = .seconds(5)
    /// Largest request body accepted from 1MSG clients and from Meta.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// The largest body of `sendFile` and `uploadMedia`: WhatsApp's 100 MB document limit plus room for
    /// the multipart framing and the other fields.
    public var maxUploadBodyBytes: Int = 101 * 1024 * 1024
    /// Body limits of single operations (`sendMessage`, `POST /cloud/webhook`), in place of the two above.
    public var operationBodyLimits: [String: Int] = [:]
    /// How many bytes past the limit an oversized body is read and dropped, so a client that writes its whole body
    /// before reading still gets the 413; beyond that the connection is closed.
    public var oversizeDrainBytes: Int = 64 * 1024 * 1024
    /// The longest a request body may take to arrive (408 and the connection closed after it).
    public var bodyReadTimeout: Duration = .seconds(300)
    /// How long a connection may send nothing (while its headers or body are awaited, or between requests) before
    /// the server closes it.
    public var idleTimeout: Duration = .seconds(30)
    /// Which addresses `uploadMedia` may download client-given URLs from; the sandbox adds loopback.
    public var fetchPolicy: FetchPolicy = .publicOnly
    /// Refuse client webhook URLs whose host resolves to a private, loopback, link-local or reserved address, when
    /// they are set and again at each delivery (multi-tenant deployments); the sandbox still allows loopback.
    public var denyPrivateWebhooks: Bool = false
    /// Peers in these ranges are proxies: the client address is then the right-most `X-Forwarded-For` address
    /// outside them (for the wrong-token cool-down).
    public var trustedProxies: [AddressRange] = []
    /// Failed authentications within a minute that put a client address on a 60 s cool-down; 0 turns it off.
    public var wrongTokenLimit: Int = 20
    /// Connections kept open to the Cloud API (and to each webhook receiver) at most: how many calls may be under way
    /// at once. AsyncHTTPClient's own default, 8, would hold a busy channel to 8 sends in flight.
    public var upstreamConnections: Int = 64
    /// Requests under way at most; beyond, 503 with `Retry-After` (load shedding, so memory stays bounded under
    /// overload). 0 turns the limit off.
    public var maxInFlight: Int = 512
    /// Log level of the bridge's own logger.
    public var logLevel: Logger.Level = .info
    /// Where log lines go; tests capture them. `nil` writes to standard error.
    public var logHandlerFactory: (@Sendable (String) -> any LogHandler)?
    /// Where the sandbox banner (channel id, token, curl line) goes.
    public var announce: @Sendable (String) -> Void = { text in
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
    /// Pause between the simulator's status webhooks (sandbox only).
    public var sandboxStatusDelay: Duration = .milliseconds(300)

    /// How client webhook deliveries are retried.
    public var retryPolicy = RetryPolicy()
    /// When a client's webhook URL counts as down and how long it is left alone before a probe; `nil` fits it to
    /// ``retryPolicy`` (``CircuitBreakerPolicy/init(fitting:)``).
    public var webhookCircuit: CircuitBreakerPolicy?
    /// The address the bridge's calls to Meta leave from, answered by `GET /outputIP`; `nil` makes
    /// `GET /outputIP` answer the local address of the route to the Graph host (the sandbox: 127.0.0.1).
    public var egressIP: String?
    /// What `GET /statistics` and `GET /extendedStatistics` charge per message of each Meta category.
    public var prices = PriceTable()
    /// How long `GET /templates` serves Meta's template list before reading it again; adding or
    /// removing a template through the bridge refreshes it at once.
    public var templateRefreshInterval: Duration = .seconds(300)

    public init() {}
}

extension BridgeConfiguration {
    /// The operations that carry files (1MSG operation names, and the Cloud surface's upload), limited by
    /// ``maxUploadBodyBytes``.
    static let uploadOperations: Set<String> = ["sendFile", "uploadMedia", "POST /{phone-number-id}/media"]

    /// The body limit of `operation`: its own in ``operationBodyLimits``, else ``maxUploadBodyBytes`` for the
    /// operations that carry files, else ``maxBodyBytes``.
    public func bodyLimit(for operation: String) -> Int {
        operationBodyLimits[operation] ?? (Self.uploadOperations.contains(operation) ? maxUploadBodyBytes : maxBodyBytes)
    }

    /// `sendMessage=4,POST /cloud/webhook=8` (MiB per operation) as ``operationBodyLimits``; `nil` when malformed.
    public static func parseBodyLimits(_ text: String) -> [String: Int]? {
        var limits: [String: Int] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let mebibytes = Double(parts[1].trimmingCharacters(in: .whitespaces)), mebibytes > 0 else {
                return nil
            }
            let operation = parts[0].trimmingCharacters(in: .whitespaces)
            guard !operation.isEmpty else { return nil }
            limits[operation] = Int(mebibytes * 1_048_576)
        }
        return limits
    }
}
