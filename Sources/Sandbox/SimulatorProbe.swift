import Cloud
import Foundation
import Hummingbird
import Synchronization

/// Testing only: records every request the simulator receives and replaces its next answers with scripted
/// ones (Meta's errors, garbage). The sandbox runs without one, so it keeps no request history.
public final class SimulatorProbe: Sendable {
    private struct Contents {
        var requests: [RecordedRequest] = []
        var scripted: [ScriptedResponse] = []
    }

    private let contents = Mutex(Contents())

    public init() {}

    /// Every request received so far, oldest first.
    public var requests: [RecordedRequest] {
        contents.withLock { $0.requests }
    }

    /// Makes the next request answer `response` instead of its normal reply.
    public func scriptNext(_ response: ScriptedResponse) {
        contents.withLock { $0.scripted.append(response) }
    }

    func record(_ request: RecordedRequest) -> ScriptedResponse? {
        contents.withLock { contents in
            contents.requests.append(request)
            return contents.scripted.isEmpty ? nil : contents.scripted.removeFirst()
        }
    }
}

/// A request the simulator received, kept by a ``SimulatorProbe`` so that tests can check what the bridge sent.
public struct RecordedRequest: Sendable, Hashable {
    public var method: String
    public var path: String
    public var authorization: String?
    public var body: [UInt8]
    /// The raw query string (without `?`); empty when there was none.
    public var query: String = ""

    /// The body as a JSON value, for comparisons that ignore key order.
    public var json: Any? {
        try? JSONSerialization.jsonObject(with: Data(body))
    }
}

extension RecordedRequest {
    /// `request` as received, with the body the simulator collected.
    init(_ request: Request, body: [UInt8] = []) {
        self.init(
            method: request.method.rawValue, path: request.uri.path, authorization: request.headers[.authorization], body: body,
            query: request.uri.query ?? "")
    }
}

/// A response the simulator gives instead of its normal answer, for the next matching request.
public enum ScriptedResponse: Sendable, Hashable {
    /// Meta's error envelope with this HTTP status.
    case error(httpStatus: Int, CloudError)
    /// A body that is not JSON, with this HTTP status.
    case garbage(httpStatus: Int)
}
