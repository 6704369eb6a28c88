import Cloud
import Foundation
import Hummingbird
import OneMsg
import Translation

/// Errors of the HTTP edge, each rendered as 1MSG's `{"error": "…"}` with its status.
///
/// Descriptions are written for the client; they never hold secrets or upstream bodies.
public enum BridgeError: Error, Sendable, HTTPResponseError {
    /// Missing, wrong or foreign token: 401 with 1MSG's wording.
    case wrongToken(token: String?, channelID: String?)
    /// The body could not be decoded at all.
    case unreadableBody(String)
    /// The body decoded, but fields break rules.
    case invalid(ValidationError)
    /// The body was refused before it was read whole: over its operation's limit (413) or too slow (408).
    case bodyRefused(BodyRefusal)
    /// The request is well-formed but asks for nothing that can be done (1MSG's 422).
    case nothingToDo(String)
    /// Something the bridge needs for the answer is missing for now (503); the message says what and what to do.
    case unavailable(String)
    /// The store failed; details are logged, not shown.
    case storeUnavailable
    /// The Cloud API refused or failed a non-send operation; the message is Meta's code and advice.
    case upstream(status: HTTPResponse.Status, message: String)
    /// A send's `Idempotency-Key` came before with a different request on this channel (409).
    case idempotencyConflict
    /// A send's `Idempotency-Key` belongs to a request still under way (409, with `Retry-After`).
    case idempotentRequestUnderWay(retryAfterSeconds: Int)
    /// The client address sent too many wrong tokens and is cooling down (429, with `Retry-After`); its tokens are
    /// not checked meanwhile.
    case wrongTokenCoolDown(seconds: Int)
    /// `--max-in-flight` requests are under way: this one was not started (nothing was sent or stored).
    case atCapacity(limit: Int)

    public var status: HTTPResponse.Status {
        switch self {
        case .wrongToken: .unauthorized
        case .unreadableBody, .invalid: .badRequest
        case .bodyRefused(let refusal): refusal.status
        case .nothingToDo: .unprocessableContent
        case .unavailable: .serviceUnavailable
        case .storeUnavailable: .serviceUnavailable
        case .upstream(let status, _): status
        case .idempotencyConflict, .idempotentRequestUnderWay: .conflict
        case .wrongTokenCoolDown: .tooManyRequests
        case .atCapacity: .serviceUnavailable
        }
    }

    public var message: String {
        switch self {
        case .wrongToken(let token, let channelID): WrongToken.message(token: token, channelID: channelID)
        case .unreadableBody(let reason): "Invalid request body: \(reason)"
        case .invalid(let error): "Invalid request: \(error.description)"
        case .bodyRefused(let refusal): refusal.message
        case .nothingToDo(let reason), .unavailable(let reason): reason
        case .storeUnavailable: "The bridge's database is unavailable; retry later"
        case .upstream(_, let message): message
        case .idempotencyConflict:
            "Idempotency-Key was used with a different request on this channel in the last 24 hours; use a new key for a new message"
        case .idempotentRequestUnderWay:
            "A request with this Idempotency-Key is still under way on this channel; retry after the Retry-After seconds to get its reply"
        case .wrongTokenCoolDown(let seconds):
            "Too many wrong tokens from this address; tokens are not checked for \(seconds) s. Retry after that."
        case .atCapacity(let limit):
            "The bridge is at capacity (\(limit) requests under way); nothing was done. Retry after the Retry-After seconds."
        }
    }

    /// Meta's codes for "too many calls".
    static let rateLimitCodes: Set = [4, 17, 613, 80007, 130429, 131056, 131208]
    /// Meta's codes for a token or permission problem: the operator's to fix, not the client's.
    static let credentialCodes: Set = [10, 33, 190]

    /// A Cloud call failure of a non-send operation, with Meta's code and advice: 404 when Meta does not
    /// know the object, 429 when Meta rate-limits, 400 when Meta refused what the client asked, 502 when
    /// the channel's credentials are refused or Meta fails, 504 on a timeout. `changes`: the call would
    /// have changed something.
    static func upstream(_ failure: CloudCallFailure, changes: Bool = true) -> BridgeError {
        let status: HTTPResponse.Status =
            switch failure {
            case .refused(let httpStatus, _) where httpStatus == 404: .notFound
            case .refused(_, let error) where rateLimitCodes.contains(error.code): .tooManyRequests
            case .refused(let httpStatus, let error)
            where (400..<500).contains(httpStatus) && !credentialCodes.contains(error.code) && !(200...299).contains(error.code)
                && httpStatus != 401 && httpStatus != 403:
                .badRequest
            case .timedOut: .gatewayTimeout
            default: .badGateway
            }
        return .upstream(status: status, message: ReplyTranslation.operationFailure(failure, changes: changes))
    }

    /// Runs a translation of the request; its validation problems become the 400 reply.
    static func validating<T>(_ translate: () throws -> T) throws -> T {
        do {
            return try translate()
        } catch let error as ValidationError {
            throw BridgeError.invalid(error)
        }
    }

    /// Runs a store operation; any failure of it becomes ``storeUnavailable`` (the store's own message can quote
    /// what it was given, so it is not passed on).
    static func storing<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch {
            throw BridgeError.storeUnavailable
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        rendered
    }

    /// The 1MSG error reply: with `Retry-After` where waiting helps, closing the connection after a refused body.
    var rendered: Response {
        var response = ErrorRendering.response(for: self)
        switch self {
        case .idempotentRequestUnderWay(let seconds), .wrongTokenCoolDown(let seconds):
            response.headers[.retryAfter] = String(max(seconds, 1))
        case .atCapacity:
            response.headers[.retryAfter] = "1"
        default:
            break
        }
        return response
    }
}

/// The one place error bodies are made.
enum ErrorRendering {
    static func response(status: HTTPResponse.Status, message: String) -> Response {
        // A struct holding one string always encodes; the fallback only satisfies the compiler.
        (try? BridgeJSON.response(ErrorReply(error: message), status: status)) ?? Response(status: status)
    }
}
