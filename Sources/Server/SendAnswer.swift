import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OneMsg
import Store

/// A send's reply with its HTTP status: 200, or 429 with `Retry-After` when Meta's rate limits held it back (real
/// 1MSG clients retry on HTTP 429); or a reply repeated for an `Idempotency-Key`.
struct SendAnswer: ResponseGenerator {
    /// The reply's JSON.
    let body: [UInt8]
    let status: HTTPResponse.Status
    let retryAfterSeconds: Int?
    /// Repeated from an earlier request with the same idempotency key.
    let replayed: Bool
    /// Meta certainly did not take the message (it was never reached, or rate-limited it): sending again is safe.
    let sentNothing: Bool

    init(_ reply: SendReply, status: HTTPResponse.Status = .ok, retryAfterSeconds: Int? = nil, sentNothing: Bool = false) {
        // A struct of strings, a bool and an optional number always encodes.
        self.init(
            body: Array((try? BridgeJSON.encoder.encode(reply)) ?? Data()), status: status, retryAfterSeconds: retryAfterSeconds,
            sentNothing: sentNothing)
    }

    init(body: [UInt8], status: HTTPResponse.Status, retryAfterSeconds: Int? = nil, replayed: Bool = false, sentNothing: Bool = false) {
        self.body = body
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.replayed = replayed
        self.sentNothing = sentNothing
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if replayed { headers[IdempotencyKeyHeader.replayed] = "true" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension SendAnswer {
    /// A reply stored for an idempotency key, repeated as it was.
    init(replaying stored: IdempotentReply) {
        self.init(body: stored.body, status: HTTPResponse.Status(code: stored.status), replayed: true)
    }

    /// What a retry gets when the first request with its key began but its answer was never recorded (the bridge
    /// stopped mid-call): the message may or may not have been sent, so it is not sent again.
    static func unknownAfterInterruption(since: Date) -> SendReply {
        SendReply(
            sent: false, id: nil,
            message:
                "A request with this Idempotency-Key began at \(ISO8601DateFormatter().string(from: since)) and its answer from Meta was never recorded (the bridge stopped during the call); the message may or may not have been sent. Check GET /messages or the acks before sending it again with a new key",
            description: "Outcome unknown")
    }
}
