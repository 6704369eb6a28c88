import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization

/// A client's webhook endpoint on a free port: records every POST and answers scripted statuses first.
final class WebhookReceiver: Sendable {
    private struct State {
        var bodies: [String] = []
        var headers: [HTTPFields] = []
        var attempts = 0
        var script: [HTTPResponse.Status] = []
        var failing: HTTPResponse.Status?
    }

    private let state = Mutex(State())

    init(failFirst statuses: [HTTPResponse.Status] = []) {
        state.withLock { $0.script = statuses }
    }

    /// Bodies answered 200, in arrival order.
    var delivered: [String] { state.withLock { $0.bodies } }
    /// The headers of each body in ``delivered``.
    var deliveredHeaders: [HTTPFields] { state.withLock { $0.headers } }
    /// The `Content-Type` of each body answered 200, in arrival order.
    var contentTypes: [String] { deliveredHeaders.map { $0[.contentType] ?? "" } }
    /// From now on every POST is answered `status` (a receiver that is down), or, with `nil`, as before.
    func fail(with status: HTTPResponse.Status?) {
        state.withLock { $0.failing = status }
    }

    /// Every POST, including refused ones.
    var attempts: Int { state.withLock { $0.attempts } }

    /// The parsed `messages` or `ack` items of every delivered body.
    func items(_ key: String) -> [[String: Any]] {
        delivered.flatMap { body -> [[String: Any]] in
            let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
            return json?[key] as? [[String: Any]] ?? []
        }
    }

    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            let status = self.state.withLock { state -> HTTPResponse.Status in
                state.attempts += 1
                if let failing = state.failing { return failing }
                if !state.script.isEmpty { return state.script.removeFirst() }
                state.bodies.append(String(buffer: buffer))
                state.headers.append(request.headers)
                return .ok
            }
            return Response(status: status)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: Logger(label: "receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/hook")
        }
    }
}
