import Synchronization

/// Counts failed authentications per client address and puts an address that fails too often on a cool-down, during
/// which its requests are answered 429 without their tokens being checked (token guessing gets nowhere).
///
/// Memory is bounded: at most ``Limits/maxAddresses`` addresses are tracked; when the table is full, addresses with
/// nothing recent are dropped first, then the least recently seen one.
public final class WrongTokenThrottle: Sendable {
    /// When an address is cooled down, and for how long.
    public struct Limits: Sendable, Hashable {
        /// Failures within ``window`` that start a cool-down; 0 turns the cool-down off.
        public var failures = 20
        /// How far back failures count.
        public var window: Duration = .seconds(60)
        /// How long a cool-down lasts.
        public var coolDown: Duration = .seconds(60)
        /// The most addresses tracked at once.
        public var maxAddresses = 10_000

        /// The defaults: 20 failures in a minute, a 60 s cool-down, 10,000 addresses.
        public init() {}
    }

    private struct Record {
        /// Times of the recent failures, oldest first (at most ``Limits/failures``).
        var failures: [ContinuousClock.Instant] = []
        var blockedUntil: ContinuousClock.Instant?
        var lastSeen: ContinuousClock.Instant
    }

    /// The limits applied.
    public let limits: Limits
    private let now: @Sendable () -> ContinuousClock.Instant
    private let records = Mutex<[String: Record]>([:])

    /// A throttle applying `limits`, reading the time from `now` (tests give a clock they move).
    public init(limits: Limits = Limits(), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.limits = limits
        self.now = now
    }

    /// How much of `address`'s cool-down is left, or `nil` when its requests may be checked.
    public func remainingCoolDown(for address: String) -> Duration? {
        let now = now()
        return records.withLock { records in
            guard let until = records[address]?.blockedUntil else { return nil }
            if until > now { return until - now }
            records[address]?.blockedUntil = nil
            return nil
        }
    }

    /// A throttle on the system clock that starts a cool-down at `failuresPerMinute` failures (0: never).
    public convenience init(failuresPerMinute: Int) {
        var limits = Limits()
        limits.failures = failuresPerMinute
        self.init(limits: limits)
    }

    /// Records a failed authentication from `address`; the ``Limits/failures``-th within the window starts its cool-down.
    public func recordFailure(from address: String) {
        let now = now()
        let limits = limits
        guard limits.failures > 0 else { return }
        records.withLock { records in
            if records[address] == nil, records.count >= limits.maxAddresses {
                Self.makeRoom(in: &records, now: now, limits: limits)
            }
            var record = records[address] ?? Record(lastSeen: now)
            record.lastSeen = now
            record.failures.removeAll { now - $0 >= limits.window }
            record.failures.append(now)
            if record.failures.count >= limits.failures {
                record.blockedUntil = now + limits.coolDown
                record.failures.removeAll()
            }
            records[address] = record
        }
    }

    /// How many addresses are tracked.
    public var trackedAddresses: Int { records.withLock { $0.count } }

    private static func makeRoom(in records: inout [String: Record], now: ContinuousClock.Instant, limits: Limits) {
        let isCooling = { (record: Record) in record.blockedUntil.map { $0 > now } ?? false }
        records = records.filter { _, record in isCooling(record) || record.failures.contains { now - $0 < limits.window } }
        guard records.count >= limits.maxAddresses else { return }
        // Still full of recent failures: the least recently seen address goes, a cooling one only when all are.
        let candidates = records.filter { !isCooling($0.value) }
        let pool = candidates.isEmpty ? records : candidates
        if let oldest = pool.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key { records[oldest] = nil }
    }
}
