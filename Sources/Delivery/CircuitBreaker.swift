import Foundation
import Synchronization

/// When a webhook URL counts as down, and how long it is left alone before a probe.
public struct CircuitBreakerPolicy: Sendable, Hashable {
    /// Consecutive failed attempts (connection failures, timeouts, 408, 429, 5xx) that open the circuit.
    public var failureThreshold = 5
    /// How long an opened circuit stays open before the first probe; each failed probe doubles it.
    public var firstCoolDown: Duration = .seconds(30)
    /// The longest cool-down.
    public var maxCoolDown: Duration = .seconds(600)
    /// How long a probe may take before another one is allowed (its answer never came).
    public var probeTimeout: Duration = .seconds(30)

    public init() {}

    /// The breaker that fits a retry policy: the pause is at most the longest wait between two attempts (and 30 s at
    /// first), and a probe may take its attempt timeout and 5 s more.
    public init(fitting retry: RetryPolicy) {
        firstCoolDown = min(.seconds(30), retry.maxDelay)
        maxCoolDown = retry.maxDelay
        probeTimeout = retry.attemptTimeout + .seconds(5)
    }
}

/// The state of one webhook URL: closed (deliveries go out), open (none go out until the cool-down ends), half-open
/// (one probe goes out; its outcome closes the circuit or opens it again for twice as long). Pure.
public struct CircuitBreaker: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case closed(failures: Int)
        case open(until: Date, coolDown: Duration)
        case halfOpen(probeUntil: Date, coolDown: Duration)
    }

    /// Whether an entry for this URL may be attempted now.
    public enum Admission: Sendable, Hashable {
        /// Deliver as usual.
        case attempt
        /// Deliver: this attempt is the probe of a half-open circuit.
        case probe
        /// Do not attempt before `until`; the URL is backed off as a whole.
        case wait(until: Date)
    }

    /// What an outcome changed.
    public enum Change: Sendable, Hashable {
        case opened(until: Date)
        case closed
    }

    public private(set) var state: State = .closed(failures: 0)

    public init() {}

    /// Admits an attempt at `now`, turning an open circuit whose cool-down ended into a half-open one whose probe this is.
    public mutating func admit(now: Date, policy: CircuitBreakerPolicy) -> Admission {
        switch state {
        case .closed:
            return .attempt
        case .open(let until, let coolDown):
            guard now >= until else { return .wait(until: until) }
            state = .halfOpen(probeUntil: now.addingTimeInterval(policy.probeTimeout.secondsValue), coolDown: coolDown)
            return .probe
        case .halfOpen(let probeUntil, let coolDown):
            guard now >= probeUntil else { return .wait(until: probeUntil) }
            state = .halfOpen(probeUntil: now.addingTimeInterval(policy.probeTimeout.secondsValue), coolDown: coolDown)
            return .probe
        }
    }

    /// Records an attempt's outcome: `failed` for one worth retrying (the receiver is down or overloaded); a delivery
    /// or a refusal of the event itself shows the receiver is up.
    public mutating func record(failed: Bool, now: Date, policy: CircuitBreakerPolicy) -> Change? {
        switch (state, failed) {
        case (.closed, false):
            state = .closed(failures: 0)
            return nil
        case (.closed(let failures), true):
            guard failures + 1 >= policy.failureThreshold else {
                state = .closed(failures: failures + 1)
                return nil
            }
            return open(now: now, coolDown: policy.firstCoolDown)
        case (.open, _):
            // A late answer of an attempt made before the circuit opened changes nothing.
            return nil
        case (.halfOpen, false):
            state = .closed(failures: 0)
            return .closed
        case (.halfOpen(_, let coolDown), true):
            return open(now: now, coolDown: min(coolDown * 2, policy.maxCoolDown))
        }
    }

    private mutating func open(now: Date, coolDown: Duration) -> Change {
        let until = now.addingTimeInterval(coolDown.secondsValue)
        state = .open(until: until, coolDown: coolDown)
        return .opened(until: until)
    }
}

/// The circuit of every webhook URL this instance delivers to, shared by its concurrent attempts. Only URLs that
/// failed are kept, so the table stays as small as the set of failing receivers.
public final class CircuitBreakers: Sendable {
    private let circuits = Mutex([String: CircuitBreaker]())
    public let policy: CircuitBreakerPolicy

    public init(policy: CircuitBreakerPolicy = CircuitBreakerPolicy()) {
        self.policy = policy
    }

    /// Whether an entry for `url` may be attempted at `now`.
    public func admit(url: String, now: Date) -> CircuitBreaker.Admission {
        circuits.withLock { circuits in
            guard var circuit = circuits[url] else { return .attempt }
            let admission = circuit.admit(now: now, policy: policy)
            circuits[url] = circuit
            return admission
        }
    }

    /// Records an attempt's outcome for `url`.
    public func record(url: String, failed: Bool, now: Date) -> CircuitBreaker.Change? {
        circuits.withLock { circuits in
            if !failed, circuits[url] == nil { return nil }
            var circuit = circuits[url] ?? CircuitBreaker()
            let change = circuit.record(failed: failed, now: now, policy: policy)
            circuits[url] = circuit.state == .closed(failures: 0) ? nil : circuit
            return change
        }
    }
}
