import Hummingbird
import Logging
import Prometheus
import Store

/// Request metrics for `/metrics`, on a registry of the application's own (no global state).
///
/// Labels are the route template (`/{channelId}/sendMessage`), the method and the status: never a
/// URI, a token or a phone number.
struct BridgeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(metricName: "bridge_http_requests", unitName: "total", helpText: "HTTP requests served"),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(metricName: "bridge_http_request_duration", unitName: "seconds", helpText: "HTTP request latency"),
            labels: [("method", method), ("route", route)],
            buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Counts the outcome of an upstream call (`accepted`, `refused`, `unreachable`, `timeout`, …).
    func recordUpstream(operation: String, outcome: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "bridge_upstream_calls", unitName: "total", helpText: "Cloud API calls by outcome"),
            labels: [("operation", operation), ("outcome", outcome)]
        ).increment()
    }

    /// Counts Meta webhook deliveries by result (`accepted`, `bad_signature`, …).
    func recordInboundWebhook(result: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "bridge_inbound_webhooks", unitName: "total", helpText: "Meta webhook POSTs by result"),
            labels: [("result", result)]
        ).increment()
    }

    /// Counts what a committed Meta delivery produced.
    func recordInboundEvents(_ result: InboundCommitResult) {
        let events = registry.makeCounter(
            descriptor: .init(metricName: "bridge_meta_events", unitName: "total", helpText: "Meta messages and statuses received, by outcome"),
            labels: [("outcome", "new")])
        events.increment(by: Int64(result.newMessages + result.newStatuses))
        registry.makeCounter(
            descriptor: .init(metricName: "bridge_meta_events", unitName: "total", helpText: "Meta messages and statuses received, by outcome"),
            labels: [("outcome", "duplicate")]
        ).increment(by: Int64(result.duplicateMessages + result.duplicateStatuses))
    }

    /// Counts delivery attempts' results (`delivered`, `retried`, `dead_lettered`).
    func recordDelivery(_ result: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "bridge_webhook_deliveries", unitName: "total", helpText: "Client webhook delivery attempts by result"),
            labels: [("result", result)]
        ).increment()
    }

    /// Sets the outbox gauges.
    func recordOutbox(_ stats: OutboxStats) {
        registry.makeGauge(descriptor: .init(metricName: "bridge_outbox_pending", unitName: "events", helpText: "Client webhook deliveries waiting"))
            .set(Double(stats.pending))
        registry.makeGauge(
            descriptor: .init(metricName: "bridge_outbox_dead", unitName: "events", helpText: "Dead-lettered client webhook deliveries")
        )
        .set(Double(stats.dead))
        registry.makeGauge(
            descriptor: .init(metricName: "bridge_outbox_oldest_pending_age", unitName: "seconds", helpText: "Age of the oldest waiting delivery")
        )
        .set(stats.oldestPendingAge)
    }

    func text() -> String {
        registry.emitToString()
    }
}

/// Logs one line per request with the route template, never the URI (the token is in the query),
/// and records the request metrics. Errors thrown by handlers are rendered here as 1MSG error JSON.
struct ObservabilityMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext

    let metrics: BridgeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.render(error, request: request, context: context)
        }
        let route = context.endpointPath ?? "unmatched"
        let status = Int(response.status.code)
        metrics.recordRequest(method: request.method.rawValue, route: route, status: status, duration: ContinuousClock.now - start)
        let level: Logger.Level = status >= 500 ? .error : (status >= 400 ? .info : .debug)
        context.logger.log(
            level: level, "request",
            metadata: ["http.method": "\(request.method.rawValue)", "http.route": "\(route)", "http.status": "\(status)"])
        return response
    }

    static func render(_ error: any Error, request: Request, context: Context) -> Response {
        switch error {
        case let error as BridgeError:
            return ErrorRendering.response(status: error.status, message: error.message)
        case let error as HTTPError:
            let message =
                error.body
                ?? (error.status == .notFound ? "Unknown method \(request.method.rawValue) \(request.uri.path)" : error.status.reasonPhrase)
            return ErrorRendering.response(status: error.status, message: message)
        default:
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            return ErrorRendering.response(status: .internalServerError, message: "Internal error")
        }
    }
}
