import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Translation

/// An answer of the Cloud API surface that is an error: Meta's own (its status and envelope, passed on) or the
/// bridge's, written in Meta's envelope. Rendered here, the one place Cloud surface errors are made.
struct CloudSurfaceError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let error: CloudError
    var retryAfterSeconds: Int?

    init(status: HTTPResponse.Status, error: CloudError, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.error = error
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// 400: the body breaks Meta's message schema.
    static func invalid(_ problems: [CloudMessageSchema.Problem]) -> CloudSurfaceError {
        CloudSurfaceError(status: .badRequest, error: .invalidParameter(problems, traceID: traceID()))
    }

    /// 400: a body that cannot be read as the operation's body.
    static func unreadable(_ reason: String) -> CloudSurfaceError {
        CloudSurfaceError(status: .badRequest, error: .unreadableBody(reason, traceID: traceID()))
    }

    /// 504: a retry whose first request with the same `Idempotency-Key` began but never recorded Meta's answer (the
    /// bridge stopped during the call): the message may or may not have been sent, so it is not sent again.
    static func unknownOutcome(since: Date) -> CloudSurfaceError {
        CloudSurfaceError(
            status: .gatewayTimeout,
            error: .bridgeRefusal(
                code: 131000,
                message:
                    "Something went wrong: a request with this Idempotency-Key began at \(ISO8601DateFormatter().string(from: since)) and Meta's answer was never recorded (the bridge stopped during the call); the message may or may not have been sent. Check the history or the statuses before sending it again with a new key",
                transient: false, traceID: traceID()))
    }

    /// A failed Graph call as the client sees it: Meta's refusal as Meta gave it; otherwise Meta's generic codes
    /// (2, service unavailable; 131000, something went wrong) with what is known about the outcome.
    init(_ failure: CloudCallFailure) {
        switch failure {
        case .refused(let httpStatus, let error):
            self.init(status: HTTPResponse.Status(code: httpStatus), error: error)
        case .unexpectedResponse(let httpStatus):
            self.init(
                status: .badGateway,
                error: .bridgeRefusal(
                    code: 131000, message: "Something went wrong: the Cloud API answered HTTP \(httpStatus) without its error envelope",
                    transient: true, traceID: Self.traceID()))
        case .unreachable:
            self.init(
                status: .serviceUnavailable,
                error: .bridgeRefusal(
                    code: 2, message: "Service temporarily unavailable: the Cloud API could not be reached; nothing was sent",
                    transient: true, traceID: Self.traceID()))
        case .timedOut, .interrupted:
            self.init(
                status: .gatewayTimeout,
                error: .bridgeRefusal(
                    code: 131000,
                    message: "Something went wrong: the Cloud API did not answer in time; the request may or may not have been carried out",
                    transient: true, traceID: Self.traceID()))
        }
    }

    /// A refusal of the bridge's shared edge (middleware, idempotency, store) in Meta's envelope, with its status.
    init(_ bridge: BridgeError) {
        let trace = Self.traceID()
        let message = bridge.message
        switch bridge {
        case .wrongToken:
            self.init(status: .unauthorized, error: .invalidToken(traceID: trace))
        case .wrongTokenCoolDown(let seconds):
            self.init(
                status: .tooManyRequests,
                error: .bridgeRefusal(code: 4, message: "(#4) Application request limit reached: \(message)", transient: true, traceID: trace),
                retryAfterSeconds: max(seconds, 1))
        case .idempotentRequestUnderWay(let seconds):
            self.init(
                status: .conflict, error: .bridgeRefusal(code: 2, message: message, transient: true, traceID: trace),
                retryAfterSeconds: max(seconds, 1))
        case .unavailable, .storeUnavailable, .atCapacity:
            self.init(
                status: bridge.status, error: .bridgeRefusal(code: 2, message: message, transient: true, traceID: trace),
                retryAfterSeconds: bridge.status == .serviceUnavailable ? 1 : nil)
        case .upstream:
            self.init(status: bridge.status, error: .bridgeRefusal(code: 131000, message: message, transient: false, traceID: trace))
        case .unreadableBody, .invalid, .bodyRefused, .nothingToDo, .idempotencyConflict:
            self.init(
                status: bridge.status,
                error: .bridgeRefusal(code: 100, message: "(#100) Invalid parameter: \(message)", transient: false, traceID: trace))
        }
    }

    /// Meta's envelope as JSON bytes.
    var body: [UInt8] {
        // A struct of strings, numbers and bools always encodes.
        Array((try? CloudSurfaceJSON.encoder.encode(CloudErrorEnvelope(error: error))) ?? Data())
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        rendered
    }

    /// Meta's envelope with the status, `Retry-After` where waiting helps and `WWW-Authenticate` on a 401.
    var rendered: Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A trace id in the shape of Meta's `fbtrace_id`, so a report about one answer can name it.
    static func traceID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return "A" + String((0..<22).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }
}

/// The JSON of the Cloud surface's answers: keys sorted, so an answer (and its replay for an idempotency key) reads the
/// same each time, and `/` not escaped.
enum CloudSurfaceJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as an `application/json` answer.
    static func response(_ value: some Encodable) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
