import AsyncHTTPClient
import Foundation
import IPAddressing
import Logging
import NIOCore
import ServiceLifecycle
import Store
import Synchronization

/// Hooks for counting what the dispatcher does (metrics live in the server).
public struct DeliveryObserver: Sendable {
    public var delivered: @Sendable () -> Void = {}
    public var retried: @Sendable () -> Void = {}
    public var deadLettered: @Sendable () -> Void = {}

    public init(
        delivered: @escaping @Sendable () -> Void = {}, retried: @escaping @Sendable () -> Void = {},
        deadLettered: @escaping @Sendable () -> Void = {}
    ) {
        self.delivered = delivered
        self.retried = retried
        self.deadLettered = deadLettered
    }
}

/// Finds a channel's Standard Webhooks signing secrets at delivery time (`nil`: deliveries go unsigned).
public typealias SigningSecretsLookup = @Sendable (_ channelID: String) async throws -> WebhookSigningSecrets?

/// Delivers queued 1MSG webhook events from the store's outbox: at least once, in order per chat and
/// URL, retrying by ``RetryPolicy`` until delivered or dead-lettered. Waiting events live in the store,
/// so they survive restarts; on graceful shutdown the attempts under way finish first.
///
/// Entries are claimed with a lease under this dispatcher's ``owner`` id, so dispatchers of several instances on one
/// database never deliver one entry at once nor two entries of one line; a dispatcher that dies leaves its leases
/// to expire (after ``leaseDuration``), and another takes the work over.
public final class WebhookDispatcher: Service {
    private let store: any BridgeStore
    private let httpClient: HTTPClient
    private let policy: RetryPolicy
    private let signal: DeliverySignal
    private let observer: DeliveryObserver
    /// Which webhook addresses may be posted to (`--deny-private-webhooks`).
    private let addressGuard: WebhookAddressGuard
    private let logger: Logger
    private let batchSize: Int
    /// Longest sleep when nothing is due, so that retries scheduled by other instances are seen.
    private let idlePoll: Duration
    /// This dispatcher's lease owner id, unique per instance (a new UUID by default).
    public let owner: String
    /// How long a claim holds its entries: longer than a batch of attempts takes.
    public let leaseDuration: Duration
    /// Each webhook URL's circuit: a URL that keeps failing is backed off as a whole, not event by event.
    public let breakers: CircuitBreakers
    /// The secrets that sign each delivery, looked up per attempt so that a rotation applies to waiting events too.
    private let signingSecrets: SigningSecretsLookup

    public init(
        store: any BridgeStore, httpClient: HTTPClient, policy: RetryPolicy, signal: DeliverySignal,
        observer: DeliveryObserver = DeliveryObserver(), logger: Logger, batchSize: Int = 64,
        idlePoll: Duration = .seconds(1), owner: String = UUID().uuidString, leaseDuration: Duration? = nil,
        addressGuard: WebhookAddressGuard = .open, breakers: CircuitBreakers = CircuitBreakers(),
        signingSecrets: @escaping SigningSecretsLookup = { _ in nil }
    ) {
        self.store = store
        self.httpClient = httpClient
        self.policy = policy
        self.signal = signal
        self.observer = observer
        self.addressGuard = addressGuard
        self.logger = logger
        self.batchSize = batchSize
        self.idlePoll = idlePoll
        self.owner = owner
        self.leaseDuration = leaseDuration ?? policy.leaseDuration
        self.breakers = breakers
        self.signingSecrets = signingSecrets
    }

    public func run() async throws {
        let stopping = StopFlag()
        logger.info("webhook dispatcher started", metadata: ["outbox.owner": "\(owner)", "outbox.lease": "\(leaseDuration)"])
        await withGracefulShutdownHandler {
            while !stopping.isSet {
                let due: [OutboxEntry]
                let now = Date()
                do {
                    due = try await store.claimOutboxEntries(now: now, limit: batchSize, leaseFor: leaseDuration, owner: owner)
                } catch {
                    logger.error("outbox unreadable", metadata: ["error": "\(error)"])
                    await signal.wait(timeout: idlePoll)
                    continue
                }
                if due.isEmpty {
                    await signal.wait(timeout: await idleWait(after: now))
                    continue
                }
                // Each entry is first in its (channel, URL, chat) line, so they may go out together.
                let admitted = await admit(due, now: Date())
                let delivered = await withTaskGroup(of: Int64?.self) { group in
                    for entry in admitted {
                        group.addTask { await self.attempt(entry) ? entry.id : nil }
                    }
                    return await group.reduce(into: [Int64]()) { ids, id in if let id { ids.append(id) } }
                }
                // One transaction for the whole batch; a crash before it only means a repeat delivery.
                do {
                    let recorded = try await store.markDelivered(outboxIDs: delivered, owner: owner)
                    for _ in delivered { observer.delivered() }
                    if recorded < delivered.count {
                        logger.warning(
                            "delivered after the lease passed to another instance; the event may be delivered again",
                            metadata: ["count": "\(delivered.count - recorded)"])
                    }
                } catch {
                    logger.error("outbox update failed", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            stopping.set()
            self.signal.notify()
        }
    }

    /// The wait after a claim at `claimedAt` found nothing.
    private func idleWait(after claimedAt: Date) async -> Duration {
        guard let next = try? await store.nextOutboxDueDate() else { return idlePoll }
        // Due at the claim yet not claimed: it waits in line or behind another instance's lease; new events and
        // this instance's own results wake the loop, the others' are seen at the next poll.
        if next <= claimedAt { return idlePoll }
        let seconds = next.timeIntervalSinceNow
        if seconds <= 0 { return .milliseconds(1) }
        return min(idlePoll, .milliseconds(Int64(seconds * 1000) + 1))
    }

    /// The claimed entries whose URL's circuit lets them go now; the others wait, without an attempt counted, until
    /// the circuit's next probe (or become dead letters once too old).
    private func admit(_ entries: [OutboxEntry], now: Date) async -> [OutboxEntry] {
        var admitted = [OutboxEntry]()
        for entry in entries {
            guard case .wait(let until) = breakers.admit(url: entry.url, now: now) else {
                admitted.append(entry)
                continue
            }
            do {
                if until.timeIntervalSince(entry.queuedAt) > policy.maxAge.secondsValue {
                    let reason = "the receiver has been failing (circuit open): gave up after \(entry.attempts) attempts"
                    if try await store.deadLetter(outboxID: entry.id, owner: owner, attempts: entry.attempts, error: reason) {
                        observer.deadLettered()
                    }
                } else {
                    let reason = "waiting: the receiver keeps failing, so its URL is backed off until the next probe"
                    try await store.reschedule(outboxID: entry.id, owner: owner, attempts: entry.attempts, at: until, error: reason)
                }
            } catch {
                logger.error("outbox update failed", metadata: ["outbox.id": "\(entry.id)", "error": "\(error)"])
            }
        }
        return admitted
    }

    /// Feeds an attempt's outcome to its URL's circuit; when the receiver is back, the entries that wait for it go now.
    private func recordCircuit(_ entry: OutboxEntry, outcome: AttemptOutcome) async {
        let failed = if case .retryable = outcome { true } else { false }
        switch breakers.record(url: entry.url, failed: failed, now: Date()) {
        case .opened(let until):
            logger.warning(
                "webhook receiver keeps failing: deliveries to it paused until a probe",
                metadata: ["webhook.host": "\(Self.host(of: entry.url))", "probe.at": "\(until)"])
        case .closed:
            logger.info("webhook receiver is back: its waiting deliveries resume", metadata: ["webhook.host": "\(Self.host(of: entry.url))"])
            _ = try? await store.expediteDeliveries(to: entry.url, now: Date())
            signal.notify()
        case nil:
            break
        }
    }

    /// The host of a webhook URL, for logs (a URL may carry a client's secret in its path or query).
    static func host(of url: String) -> String {
        PinnedHTTPClient.host(of: url) ?? "?"
    }

    /// One attempt; retries and dead letters are recorded here. Returns whether the entry was delivered.
    func attempt(_ entry: OutboxEntry) async -> Bool {
        let attempts = entry.attempts + 1
        let outcome = await post(entry)
        await recordCircuit(entry, outcome: outcome)
        var decision = DeliveryDecision.after(
            outcome, attempts: attempts, queuedAt: entry.queuedAt, now: Date(), policy: policy,
            random: Double.random(in: 0..<1))
        if entry.singleAttempt, case .retry(_, let reason) = decision {
            decision = .deadLetter(reason: "\(reason); not retried because the channel's guaranteedHooks is off")
        }
        do {
            switch decision {
            case .delivered:
                return true
            case .retry(let date, let reason):
                guard try await store.reschedule(outboxID: entry.id, owner: owner, attempts: attempts, at: date, error: reason) else {
                    logLostLease(entry)
                    return false
                }
                observer.retried()
                logger.info(
                    "webhook delivery will be retried", metadata: ["outbox.id": "\(entry.id)", "attempts": "\(attempts)", "reason": "\(reason)"])
            case .deadLetter(let reason):
                guard try await store.deadLetter(outboxID: entry.id, owner: owner, attempts: attempts, error: reason) else {
                    logLostLease(entry)
                    return false
                }
                observer.deadLettered()
                logger.warning("webhook delivery dead-lettered", metadata: ["outbox.id": "\(entry.id)", "reason": "\(reason)"])
            }
        } catch {
            logger.error("outbox update failed", metadata: ["outbox.id": "\(entry.id)", "error": "\(error)"])
        }
        return false
    }

    private func logLostLease(_ entry: OutboxEntry) {
        logger.warning("attempt result dropped: the lease passed to another instance", metadata: ["outbox.id": "\(entry.id)"])
    }

    private func post(_ entry: OutboxEntry) async -> AttemptOutcome {
        var request = HTTPClientRequest(url: entry.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: OutboxBodyFormat(of: entry.body).contentType)
        request.headers.add(name: "User-Agent", value: "onemsg-bridge")
        request.body = .bytes(ByteBuffer(bytes: entry.body))
        do {
            // Unsigned would fail a receiver that checks signatures: without the secrets, the attempt waits.
            if let secrets = try await signingSecrets(entry.channelID) {
                for header in StandardWebhookSignature.headers(body: entry.body, secrets: secrets, now: Date()) {
                    request.headers.add(name: header.name, value: header.value)
                }
            }
        } catch {
            return .retryable(reason: "the channel's signing secret could not be read (\(type(of: error)))")
        }
        do {
            let response = try await addressGuard.execute(
                request, timeout: .nanoseconds(policy.attemptTimeout.nanosecondsValue), sharedClient: httpClient)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return AttemptOutcome.from(httpStatus: Int(response.status.code))
        } catch let refused as WebhookAddressRefused {
            return .retryable(reason: refused.reason)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .retryable(reason: "no answer within \(policy.attemptTimeout.secondsValue) s")
        } catch {
            return .retryable(reason: "connection failed (\(type(of: error)))")
        }
    }
}

/// Set once, read from any task.
final class StopFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
