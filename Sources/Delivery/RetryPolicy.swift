import Foundation

/// How webhook deliveries are retried, as data: exponential backoff with jitter, capped, for a bounded time.
public struct RetryPolicy: Sendable, Hashable {
    /// The wait before the first retry, before jitter (jitter only shortens waits).
    public var firstDelay: Duration = .seconds(4)
    /// Each wait is this many times the previous one.
    public var multiplier: Double = 2
    /// No wait is longer than this.
    public var maxDelay: Duration = .seconds(600)
    /// After this long since an event was queued, it becomes a dead letter.
    public var maxAge: Duration = .seconds(24 * 3600)
    /// One delivery attempt's time limit.
    public var attemptTimeout: Duration = .seconds(10)
    /// Fraction of each wait drawn at random and removed (0.5 → the wait lies in [delay/2, delay]).
    public var jitter: Double = 0.5

    public init() {}

    /// How long a dispatcher's claim leases its entries: twice the attempt timeout and ten seconds more, so that a
    /// batch of attempts and its store updates finish well inside the lease and only a dead instance's leases expire.
    public var leaseDuration: Duration { attemptTimeout * 2 + .seconds(10) }

    /// The wait after the `attempt`-th failed attempt (1-based), given a random draw in [0, 1).
    public func delay(afterAttempt attempt: Int, random: Double) -> Duration {
        let exponent = Double(max(attempt - 1, 0))
        let base = min(firstDelay.secondsValue * pow(multiplier, exponent), maxDelay.secondsValue)
        let jittered = base * (1 - jitter * random)
        return .milliseconds(Int64(jittered * 1000))
    }
}

/// What one delivery attempt came to.
public enum AttemptOutcome: Sendable, Hashable {
    /// The receiver answered 2xx.
    case delivered
    /// Worth another try: connection error, timeout, 429 or 5xx.
    case retryable(reason: String)
    /// The receiver refused the event itself (a 4xx other than 408 and 429, or a redirect): trying again will not help.
    case rejected(reason: String)

    /// Sorts an HTTP status into an outcome.
    public static func from(httpStatus: Int) -> AttemptOutcome {
        switch httpStatus {
        case 200..<300: .delivered
        case 408, 429, 500...599: .retryable(reason: "HTTP \(httpStatus)")
        case 300..<400: .rejected(reason: "HTTP \(httpStatus), a redirect (redirects are not followed: set the webhook URL to the new address)")
        default: .rejected(reason: "HTTP \(httpStatus)")
        }
    }
}

/// The next state of a queued event after an attempt. Pure: the dispatcher applies it to the store.
public enum DeliveryDecision: Sendable, Hashable {
    case delivered
    case retry(at: Date, reason: String)
    case deadLetter(reason: String)

    public static func after(
        _ outcome: AttemptOutcome, attempts: Int, queuedAt: Date, now: Date, policy: RetryPolicy, random: Double
    ) -> DeliveryDecision {
        switch outcome {
        case .delivered:
            return .delivered
        case .rejected(let reason):
            return .deadLetter(reason: "\(reason): refused by the receiver")
        case .retryable(let reason):
            let next = now.addingTimeInterval(policy.delay(afterAttempt: attempts, random: random).secondsValue)
            if next.timeIntervalSince(queuedAt) > policy.maxAge.secondsValue {
                return .deadLetter(reason: "\(reason): gave up after \(attempts) attempts")
            }
            return .retry(at: next, reason: reason)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration in whole nanoseconds (AsyncHTTPClient's `TimeAmount`).
    public var nanosecondsValue: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
