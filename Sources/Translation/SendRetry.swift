import Cloud

/// What a failed send means for trying again: the bridge retries a send only when Meta certainly did not take it.
public enum SendFailureKind: Sendable, Hashable {
    /// Nothing reached Meta (connection refused or reset before the request was written): safe to send again.
    case notSent
    /// Meta's throughput or call-rate limit (130429, 80007, 4, 613): nothing was sent; worth retrying soon.
    case rateLimited(code: Int)
    /// Too many messages to this one recipient (131056): nothing was sent; retrying soon only makes it worse.
    case recipientRateLimited
    /// Meta may or may not have taken the message (a timeout after the request was written, a broken connection, a
    /// 5xx or an unreadable answer): never sent again blindly.
    case outcomeUnknown
    /// Meta refused the message for a reason a retry does not change.
    case refused

    /// Whether Meta certainly did not take the message, so that sending it again cannot make a duplicate.
    public var nothingWasSent: Bool {
        switch self {
        case .notSent, .rateLimited, .recipientRateLimited: true
        case .outcomeUnknown, .refused: false
        }
    }

    /// Sorts a failed call.
    public init(_ failure: CloudCallFailure) {
        switch failure {
        case .unreachable:
            self = .notSent
        case .refused(let status, let error):
            switch error.code {
            case 130429, 80007, 4, 613: self = .rateLimited(code: error.code)
            case 131056: self = .recipientRateLimited
            default: self = status >= 500 ? .outcomeUnknown : .refused
            }
        case .timedOut, .interrupted, .unexpectedResponse:
            self = .outcomeUnknown
        }
    }
}

/// When the bridge tries a failed send again before it answers, and what it tells a client that should retry later.
///
/// A send that never reached Meta is retried until the upstream timeout has passed since the first attempt; one that
/// hit Meta's rate limits is retried with exponential backoff and jitter within ``window`` (`--send-retry-window`).
/// Every other failure is answered at once. Pure: the caller supplies the elapsed time and the random draw.
public struct SendRetryPolicy: Sendable, Hashable {
    /// How long rate-limited sends are retried before the client gets HTTP 429 (default 5 s).
    public var window: Duration
    /// How long unsent sends are retried (the upstream timeout).
    public var reachWindow: Duration
    /// The wait before the first retry; each later wait doubles, up to ``maxDelay``.
    public var firstDelay: Duration = .milliseconds(250)
    /// The longest wait between two attempts.
    public var maxDelay: Duration = .seconds(2)

    public init(window: Duration = .seconds(5), reachWindow: Duration = .seconds(30)) {
        self.window = window
        self.reachWindow = reachWindow
    }

    /// What to do after attempt number `attempt` (1 for the first) failed with `kind`, `elapsed` after the first
    /// attempt began; `random` in `0..<1` spreads the waits of many clients (full jitter between half and all of it).
    public func decision(after kind: SendFailureKind, attempt: Int, elapsed: Duration, random: Double) -> Decision {
        let budget: Duration
        switch kind {
        case .notSent: budget = reachWindow
        case .rateLimited: budget = window
        case .recipientRateLimited, .outcomeUnknown, .refused: return .answer
        }
        let doubled = firstDelay * (1 << min(max(attempt - 1, 0), 16))
        let delay = min(doubled, maxDelay) * (0.5 + random / 2)
        return elapsed + delay < budget ? .retry(after: delay) : .answer
    }

    /// Retry or answer with the last failure.
    public enum Decision: Sendable, Hashable {
        case retry(after: Duration)
        case answer
    }

    /// The seconds a client should wait before sending again (HTTP `Retry-After`), for the failures answered with
    /// HTTP 429; `nil` for every other failure. Meta's pair rate limit allows about one message every 6 s to one
    /// recipient; the throughput limit is per second; the call-rate limits are counted over an hour.
    public static func retryAfterSeconds(for kind: SendFailureKind) -> Int? {
        switch kind {
        case .recipientRateLimited: 6
        case .rateLimited(let code): code == 130429 ? 1 : 60
        case .notSent, .outcomeUnknown, .refused: nil
        }
    }
}
