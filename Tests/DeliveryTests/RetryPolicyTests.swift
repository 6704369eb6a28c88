import Delivery
import Foundation
import Testing

@Suite("Retry policy and delivery decisions")
struct RetryPolicyTests {
    let policy = RetryPolicy()

    @Test("the first retry comes within 5 s; waits double up to the cap; jitter only shortens")
    func backoff() {
        #expect(policy.delay(afterAttempt: 1, random: 0) == .seconds(4))
        #expect(policy.delay(afterAttempt: 1, random: 0.999) > .seconds(2))
        #expect(policy.delay(afterAttempt: 2, random: 0) == .seconds(8))
        #expect(policy.delay(afterAttempt: 3, random: 0) == .seconds(16))
        #expect(policy.delay(afterAttempt: 9, random: 0) == .seconds(600))
        #expect(policy.delay(afterAttempt: 40, random: 0) == .seconds(600))
        for attempt in 1...20 {
            #expect(policy.delay(afterAttempt: attempt, random: 0.7) <= policy.delay(afterAttempt: attempt, random: 0))
        }
    }

    @Test(
        "HTTP statuses: 2xx delivered; 408, 429 and 5xx retried; other 4xx refused",
        arguments: [
            (200, "delivered"), (204, "delivered"), (408, "retry"), (429, "retry"), (500, "retry"), (503, "retry"),
            (400, "refused"), (404, "refused"), (410, "refused"), (301, "refused"),
        ])
    func statuses(status: Int, expected: String) {
        switch AttemptOutcome.from(httpStatus: status) {
        case .delivered: #expect(expected == "delivered")
        case .retryable: #expect(expected == "retry")
        case .rejected: #expect(expected == "refused")
        }
    }

    @Test("retries go on until 24 hours after queuing, then the event becomes a dead letter")
    func deadline() {
        let queued = Date(timeIntervalSince1970: 1_700_000_000)
        let early = DeliveryDecision.after(
            .retryable(reason: "HTTP 500"), attempts: 3, queuedAt: queued, now: queued.addingTimeInterval(60),
            policy: policy, random: 0)
        #expect(early == .retry(at: queued.addingTimeInterval(60 + 16), reason: "HTTP 500"))
        let late = DeliveryDecision.after(
            .retryable(reason: "HTTP 500"), attempts: 150, queuedAt: queued, now: queued.addingTimeInterval(24 * 3600 - 60),
            policy: policy, random: 0)
        #expect(late == .deadLetter(reason: "HTTP 500: gave up after 150 attempts"))
        let refused = DeliveryDecision.after(
            .rejected(reason: "HTTP 404"), attempts: 1, queuedAt: queued, now: queued, policy: policy, random: 0)
        #expect(refused == .deadLetter(reason: "HTTP 404: refused by the receiver"))
        #expect(DeliveryDecision.after(.delivered, attempts: 1, queuedAt: queued, now: queued, policy: policy, random: 0) == .delivered)
    }

    @Test("a dispatcher's lease outlasts two attempt timeouts")
    func leaseDuration() {
        var policy = RetryPolicy()
        #expect(policy.leaseDuration == .seconds(30))
        policy.attemptTimeout = .seconds(45)
        #expect(policy.leaseDuration == .seconds(100))
    }

    @Test("a signal sent before the wait is not lost; a wait without signal ends at its timeout")
    func signal() async {
        let signal = DeliverySignal()
        signal.notify()
        let start = ContinuousClock.now
        await signal.wait(timeout: .seconds(30))
        #expect(ContinuousClock.now - start < .seconds(10))
        await signal.wait(timeout: .milliseconds(20))
    }
}
