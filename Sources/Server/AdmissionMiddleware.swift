import Hummingbird
import Synchronization

/// Sheds load: with ``limit`` requests under way, another is answered 503 with `Retry-After` before anything is read,
/// sent or stored, so an overload queues no unbounded work (and memory) inside the bridge. The health and metrics
/// routes are always served. Meta retries a refused webhook delivery; 1MSG clients retry on 503.
struct AdmissionMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext

    /// Requests under way at most (`--max-in-flight`); 0 admits everything.
    let limit: Int
    let inFlight: InFlightCount

    static let alwaysServed: Set<String> = ["/healthz", "/readyz", "/metrics"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard limit > 0, !Self.alwaysServed.contains(request.uri.path) else { return try await next(request, context) }
        guard inFlight.enter(limit: limit) else { throw BridgeError.atCapacity(limit: limit) }
        defer { inFlight.leave() }
        return try await next(request, context)
    }
}

/// The number of admitted requests under way.
final class InFlightCount: Sendable {
    private let count = Atomic(0)

    /// Counts one more request unless `limit` are under way.
    func enter(limit: Int) -> Bool {
        if count.wrappingAdd(1, ordering: .relaxed).newValue <= limit { return true }
        count.wrappingSubtract(1, ordering: .relaxed)
        return false
    }

    func leave() {
        count.wrappingSubtract(1, ordering: .relaxed)
    }

    var value: Int { count.load(ordering: .relaxed) }
}
