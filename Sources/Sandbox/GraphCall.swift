import Cloud
import Foundation
import Hummingbird

/// A Graph answer other than the normal one (Meta's error envelope, or a scripted response), thrown
/// by an endpoint's checks and sent as the response.
struct GraphFailure: Error {
    var response: Response

    /// Meta's error envelope; `message` gets the `(#code) ` prefix.
    init(_ status: Int, code: Int = 100, _ message: String, subcode: Int? = nil, userTitle: String? = nil, userMessage: String? = nil) {
        response = CloudSimulator.error(
            status, code: code, message, subcode: subcode, userTitle: userTitle, userMessage: userMessage)
    }

    init(response: Response) {
        self.response = response
    }

    /// The 401 Meta gives for a token that does not open the object.
    static let badToken = GraphFailure(401, code: 190, "Invalid OAuth access token - Cannot parse access token")
}

/// One request to a Graph endpoint of the simulator: recorded, its body collected, its query decoded.
struct GraphCall {
    var request: Request
    var objectID: String
    var body: [UInt8]

    /// Collects the body, records the request, then runs `handler`; a scripted response or a thrown
    /// ``GraphFailure`` takes the place of its answer.
    static func handle(
        _ request: Request, context: BasicRequestContext, state: SimulatorState, bodyLimit: Int = 1 << 20,
        _ handler: (GraphCall) throws -> Response
    ) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: bodyLimit)
        let call = GraphCall(request: request, objectID: context.parameters.get("objectID") ?? "", body: Array(buffer: body))
        if let scripted = state.record(call.recorded) {
            return CloudSimulator.respond(scripted)
        }
        do {
            return try handler(call)
        } catch let failure as GraphFailure {
            return failure.response
        }
    }

    var recorded: RecordedRequest {
        RecordedRequest(request, body: body)
    }

    /// A decoded query parameter.
    func query(_ name: String) -> String? {
        request.uri.queryParameters[name[...]].map(String.init)
    }

    /// `http://host:port` of this simulator as the client addressed it.
    var origin: String {
        "http://\(request.head.authority ?? "127.0.0.1")"
    }

    /// Meta's answer for an id that names no object this call can act on.
    var unknownObject: GraphFailure {
        GraphFailure(
            400,
            "Unsupported \(request.method.rawValue.lowercased()) request. Object with ID '\(objectID)' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
        )
    }

    /// The phone number named by the path, when the call carries its Bearer token.
    func phoneNumber(in state: SimulatorState) throws(GraphFailure) -> SimulatedNumber {
        guard let number = state.number(objectID) else { throw unknownObject }
        guard request.headers[.authorization] == "Bearer \(number.accessToken)" else { throw .badToken }
        return number
    }

    /// The WABA named by the path, when the call carries the Bearer token of one of its numbers.
    func wabaID(in state: SimulatorState) throws(GraphFailure) -> String {
        let numbers = state.numbers(inWABA: objectID)
        guard !numbers.isEmpty else { throw unknownObject }
        guard numbers.contains(where: { request.headers[.authorization] == "Bearer \($0.accessToken)" }) else { throw .badToken }
        return objectID
    }

    /// The body as a JSON object.
    func jsonObject() throws(GraphFailure) -> [String: CloudJSON] {
        guard case .object(let members)? = try? JSONDecoder().decode(CloudJSON.self, from: Data(body)) else {
            throw GraphFailure(400, "The request body is not a JSON object")
        }
        return members
    }

    /// The fields a `GET` asks for (`fields=a,b`), or `defaults` without one; a field the node does not
    /// have fails as on Meta.
    func fields(available: Set<String>, defaults: [String], nodeType: String) throws(GraphFailure) -> [String] {
        guard let list = query("fields") else { return defaults }
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let unknown = names.first(where: { !available.contains($0) }) {
            throw GraphFailure(400, "Tried accessing nonexisting field (\(unknown)) on node type (\(nodeType))")
        }
        return names
    }
}

/// Graph's cursor paging (`limit`, `after`), shared by every list the simulator serves.
enum GraphPaging {
    /// The page of `items` the call asks for, and the `paging` member for it (nil for an empty page).
    /// Cursors are opaque: the base64url of the item's position.
    static func page<Item>(
        _ items: [Item], call: GraphCall, defaultLimit: Int = 25, maxLimit: Int = 100
    ) throws(GraphFailure) -> (items: ArraySlice<Item>, paging: CloudJSON?) {
        var limit = defaultLimit
        if let text = call.query("limit") {
            guard let value = Int(text), value > 0 else {
                throw GraphFailure(400, "Param limit must be a positive integer")
            }
            limit = min(value, maxLimit)
        }
        var start = 0
        if let after = call.query("after") {
            guard let position = position(of: after) else { throw GraphFailure(400, "Invalid after cursor: \(after)") }
            start = position + 1
        }
        start = min(start, items.count)
        let end = min(start + limit, items.count)
        guard start < end else { return (items[start..<start], nil) }
        let cursors: CloudJSON = ["before": .string(cursor(start)), "after": .string(cursor(end - 1))]
        var paging: [String: CloudJSON] = ["cursors": cursors]
        if end < items.count {
            paging["next"] = .string(nextURL(call: call, after: cursor(end - 1), limit: limit))
        }
        return (items[start..<end], .object(paging))
    }

    static func cursor(_ position: Int) -> String {
        Data("sandbox:\(position)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func position(of cursor: String) -> Int? {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("sandbox:"), let position = Int(text.dropFirst("sandbox:".count)), position >= 0
        else { return nil }
        return position
    }

    /// The same request with `after` moved on, as an absolute URL on this simulator.
    static func nextURL(call: GraphCall, after: String, limit: Int) -> String {
        var pairs = (call.request.uri.query ?? "").split(separator: "&").map(String.init).filter {
            let key = $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0
            return key != "after" && key != "before" && key != "limit"
        }
        pairs.append("limit=\(limit)")
        pairs.append("after=\(after)")
        return "\(call.origin)\(call.request.uri.path)?\(pairs.joined(separator: "&"))"
    }
}

/// Reading request bodies decoded as ``CloudJSON``.
extension CloudJSON {
    var asString: String? {
        if case .string(let text) = self { text } else { nil }
    }

    var asBool: Bool? {
        if case .bool(let flag) = self { flag } else { nil }
    }

    var asArray: [CloudJSON]? {
        if case .array(let values) = self { values } else { nil }
    }

    var asObject: [String: CloudJSON]? {
        if case .object(let members) = self { members } else { nil }
    }

    var asInt: Int? {
        if case .number(let text) = self { Int(text) } else { nil }
    }
}
