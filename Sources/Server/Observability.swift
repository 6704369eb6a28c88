import Delivery
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

    /// Meta's webhook fields the bridge names in the `field` label; any other name counts as `other`, so the label
    /// stays bounded whatever Meta sends.
    static let knownMetaFields: Set<String> = ClientEvents.handledFields.union([
        "account_alerts", "account_review_update", "account_update", "automatic_events", "business_capability_update",
        "flows", "message_template_components_update", "message_template_quality_update", "message_template_status_update",
        "partner_solutions", "payment_configuration_update", "phone_number_name_update", "phone_number_quality_update",
        "security", "template_category_update", "user_preferences",
    ])

    /// Counts one change of a Meta delivery by its field and whether the bridge acts on it (`handled`) or not (`ignored`).
    func recordMetaChange(field: String) {
        let handled = ClientEvents.handledFields.contains(field)
        registry.makeCounter(
            descriptor: .init(metricName: "bridge_meta_changes", unitName: "total", helpText: "Meta webhook changes by field and outcome"),
            labels: [("field", Self.knownMetaFields.contains(field) ? field : "other"), ("outcome", handled ? "handled" : "ignored")]
        ).increment()
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
/// and records the request metrics. Errors thrown by handlers are rendered here: as 1MSG error JSON, or in Meta's
/// envelope on the Cloud surface.
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
            return error.rendered
        case let error as CloudSurfaceError:
            return error.rendered
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
