import Delivery
import HTTPTypes
import Hummingbird

/// In front of ``OneMsgAuthMiddleware``: answers 429 with `Retry-After` to a client address on a wrong-token
/// cool-down, without looking at its tokens, and counts the 401s of the others in ``WrongTokenThrottle``.
struct WrongTokenThrottleMiddleware: RouterMiddleware {
    typealias Context = BridgeRequestContext

    let throttle: WrongTokenThrottle
    let clientAddress: ClientAddress

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = clientAddress.resolve(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        if let remaining = throttle.remainingCoolDown(for: address) {
            throw BridgeError.wrongTokenCoolDown(seconds: max(1, Int(remaining.secondsValue.rounded(.up))))
        }
        do {
            return try await next(request, context)
        } catch let error as BridgeError {
            if case .wrongToken = error { throttle.recordFailure(from: address) }
            throw error
        }
    }
}
