import AsyncHTTPClient
import Delivery
import Foundation
import Hummingbird
import IPAddressing
import Logging
import NIOCore
import ServiceLifecycle
import Store
import Translation

/// Builds the whole bridge from its configuration: the only seam between `main` and the tests.
///
/// Opens and migrates the store and creates the shared HTTP client. `dependencies` replaces the live Graph API
/// (tests) or runs a simulated Cloud API beside the bridge (`serve --sandbox`). Every long-lived part is a
/// Service of the returned application.
public func buildApplication(
    _ config: BridgeConfiguration, dependencies: BridgeDependencies = .init()
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "onemsg-bridge", factory: config.logHandlerFactory ?? StreamLogHandler.standardError)
    logger.logLevel = config.logLevel

    let store = try dependencies.store ?? StoreLocator.open(config.database, poolSize: config.databasePoolSize, logger: logger)
    try await store.migrate()

    var clientConfiguration = HTTPClient.Configuration()
    clientConfiguration.timeout = .init(
        connect: .nanoseconds(config.upstreamConnectTimeout.nanosecondsValue),
        read: .nanoseconds(config.upstreamTimeout.nanosecondsValue))
    clientConfiguration.httpVersion = .automatic
    clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = config.upstreamConnections
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration, backgroundActivityLogger: logger)

    // Webhook deliveries follow no redirect: a receiver's redirect is refused, never followed to another address.
    var webhookConfiguration = clientConfiguration
    webhookConfiguration.redirectConfiguration = .disallow
    let webhookClient = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: webhookConfiguration, backgroundActivityLogger: logger)

    var fetchPolicy = config.fetchPolicy
    if config.sandbox { fetchPolicy.allowLoopback = true }
    // Client-given URLs are fetched (and, under --deny-private-webhooks, posted to) over connections pinned to the
    // checked address: one short-lived client per exchange, with these settings.
    let webhookGuard: WebhookAddressGuard =
        config.denyPrivateWebhooks
        ? WebhookAddressGuard(checking: AddressGuard(policy: FetchPolicy(allowLoopback: config.sandbox)), configuration: clientConfiguration)
        : .open

    let graphURL = LateBoundURL(config.sandbox ? nil : config.graphURL)
    var services: [any Service] = [HTTPClientService(client: httpClient), HTTPClientService(client: webhookClient)]
    // First in the group, so it stops last: the server and the dispatcher finish their work on it before.
    if let storeService = store.service { services.insert(storeService, at: 0) }
    var simulated: SimulatedUpstreamRun?
    if config.sandbox {
        guard let upstream = dependencies.simulatedUpstream else { throw SandboxUnavailable() }
        let run = try await upstream.start(
            config: config, store: store, httpClient: httpClient, logger: logger, listening: { graphURL.set($0) })
        services.append(run.service)
        simulated = run
    }
    let sandbox = simulated
    let serverLogger = logger

    let metrics = BridgeMetrics()
    let signal = DeliverySignal()
    let templates = TemplateCatalog(refreshInterval: config.templateRefreshInterval)
    let channels = ChannelDirectory(store: store)
    services.append(StoreChangeFollower(store: store, signal: signal, templates: templates, channels: channels, logger: logger))
    services.append(
        WebhookDispatcher(
            store: store, httpClient: webhookClient, policy: config.retryPolicy, signal: signal,
            observer: DeliveryObserver(
                delivered: { metrics.recordDelivery("delivered") }, retried: { metrics.recordDelivery("retried") },
                deadLettered: { metrics.recordDelivery("dead_lettered") }),
            logger: logger,
            // Instances that announce their changes wake each other; the poll only catches expired leases.
            idlePoll: store.announcesChanges ? .seconds(5) : .seconds(1), addressGuard: webhookGuard,
            breakers: CircuitBreakers(policy: config.webhookCircuit ?? CircuitBreakerPolicy(fitting: config.retryPolicy)),
            signingSecrets: { channelID in try await channels.channel(id: channelID)?.settings.webhookSigning }))
    let publicURL = LateBoundURL(config.publicURL?.trimmingSuffix("/"))
    let mediaLinks = MediaLinks(
        keyBytes: Data(try await store.installationSecret(named: "media-links").utf8), baseURL: publicURL)
    let graph =
        dependencies.graph
        ?? CloudClient(
            httpClient: httpClient, graphURL: graphURL, apiVersion: config.graphAPIVersion,
            timeout: config.upstreamTimeout, logger: logger)
    let egress: EgressAddressProbe =
        if let address = config.egressIP {
            .fixed(address)
        } else if let probe = dependencies.egressAddress {
            probe
        } else if config.sandbox {
            .fixed("127.0.0.1")
        } else {
            .route(toward: config.graphURL)
        }
    let router = buildRouter(
        config: config,
        parts: RouterParts(
            store: store, channels: channels, graph: graph, metrics: metrics, signal: signal, templates: templates,
            mediaLinks: mediaLinks,
            fetcher: RemoteFileFetcher(
                clientConfiguration: clientConfiguration, addressGuard: AddressGuard(policy: fetchPolicy), timeout: config.upstreamTimeout),
            egress: egress, throttle: dependencies.wrongTokenThrottle ?? WrongTokenThrottle(failuresPerMinute: config.wrongTokenLimit),
            webhookCheck: config.denyPrivateWebhooks ? WebhookURLCheck(addressGuard: webhookGuard.addressGuard) : .open))

    return Application(
        router: router,
        // Closes connections that send nothing for this long: trickled headers, stalled bodies, idle keep-alives.
        server: .http1(configuration: .init(idleTimeout: .nanoseconds(config.idleTimeout.nanosecondsValue))),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "onemsg-bridge"),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? config.port
            let base = config.publicURL?.trimmingSuffix("/") ?? "http://\(config.host):\(port)"
            if publicURL.url == nil { publicURL.set(base) }
            sandbox?.bridgeListening(base, port)
            serverLogger.info("onemsg-bridge listening", metadata: ["address": "\(config.host):\(port)"])
        },
        logger: logger
    )
}

/// The long-lived parts routes use.
struct RouterParts: Sendable {
    let store: any BridgeStore
    /// The channels, cached; ``StoreChangeFollower`` invalidates them too.
    let channels: ChannelDirectory
    let graph: any GraphAPI
    let metrics: BridgeMetrics
    let signal: DeliverySignal
    /// The cached template lists, which ``StoreChangeFollower`` also invalidates.
    let templates: TemplateCatalog
    let mediaLinks: MediaLinks
    let fetcher: RemoteFileFetcher
    /// What `GET /outputIP` answers.
    let egress: EgressAddressProbe
    /// The wrong-token cool-downs per client address.
    var throttle = WrongTokenThrottle()
    /// The check of the webhook URLs clients set (`--deny-private-webhooks`).
    var webhookCheck = WebhookURLCheck.open
}

func buildRouter(config: BridgeConfiguration, parts: RouterParts) -> Router<BridgeRequestContext> {
    let store = parts.store
    let metrics = parts.metrics
    let router = Router(context: BridgeRequestContext.self)
    router.add(middleware: ObservabilityMiddleware(metrics: metrics))
    router.add(middleware: AdmissionMiddleware(limit: config.maxInFlight, inFlight: InFlightCount()))

    router.get("healthz") { _, _ in HealthReply(status: "ok") }
    router.get("readyz") { _, _ -> Response in
        do {
            try await store.ping()
            return try BridgeJSON.response(HealthReply(status: "ready"))
        } catch {
            return ErrorRendering.response(status: .serviceUnavailable, message: "database unavailable")
        }
    }
    router.get("metrics") { _, _ in
        if let stats = try? await store.outboxStats(now: Date()) { metrics.recordOutbox(stats) }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
    }

    CloudWebhookController(
        store: store, channels: parts.channels, metrics: metrics, bodyReader: RequestBodyReader(operation: "POST /cloud/webhook", config: config),
        mediaLinks: parts.mediaLinks, signal: parts.signal, templates: parts.templates
    ).register(on: router)

    let oneMsg = router.group()
        .add(middleware: WrongTokenThrottleMiddleware(throttle: parts.throttle, clientAddress: ClientAddress(trustedProxies: config.trustedProxies)))
        .add(
            middleware: OneMsgAuthMiddleware(channels: parts.channels, config: config)
        )
        .group(context: OneMsgRequestContext.self)
    SendController(
        graph: parts.graph, store: store, metrics: metrics, signal: parts.signal,
        retry: SendRetryPolicy(window: config.sendRetryWindow, reachWindow: config.upstreamTimeout)
    ).register(on: oneMsg)
    MediaOperationsController(graph: parts.graph, fetcher: parts.fetcher, links: parts.mediaLinks, metrics: metrics)
        .register(on: oneMsg)
    HistoryController(store: store).register(on: oneMsg)
    SettingsController(channels: parts.channels, webhookCheck: parts.webhookCheck).register(on: oneMsg)
    let uploader = HandleUploader(graph: parts.graph, fetcher: parts.fetcher, metrics: metrics)
    AccountController(graph: parts.graph, uploader: uploader, metrics: metrics, egress: parts.egress).register(on: oneMsg)
    TemplateController(graph: parts.graph, uploader: uploader, metrics: metrics, catalog: parts.templates, store: store)
        .register(on: oneMsg)
    StatisticsController(store: store, prices: config.prices).register(on: oneMsg)
    GroupsController(graph: parts.graph, fetcher: parts.fetcher, metrics: metrics).register(on: oneMsg)
    CallingController(graph: parts.graph, metrics: metrics).register(on: oneMsg)
    FlowsController(graph: parts.graph, metrics: metrics).register(on: oneMsg)
    MediaController(channels: parts.channels, graph: parts.graph, links: parts.mediaLinks).register(on: router)

    // The Cloud API's own format on the same channels: the channel token as Bearer, answers in Meta's envelope.
    let cloud = router.group()
        .add(middleware: CloudErrorMiddleware())
        .add(middleware: WrongTokenThrottleMiddleware(throttle: parts.throttle, clientAddress: ClientAddress(trustedProxies: config.trustedProxies)))
        .add(middleware: CloudAuthMiddleware(channels: parts.channels))
        .group(context: CloudRequestContext.self)
    CloudSurfaceController(
        graph: parts.graph, store: store, metrics: metrics, recorder: SentMessageRecorder(store: store, signal: parts.signal),
        links: parts.mediaLinks, config: config
    ).register(on: cloud)
    return router
}

/// Body of `/healthz` and `/readyz`.
struct HealthReply: ResponseEncodable {
    let status: String
}
