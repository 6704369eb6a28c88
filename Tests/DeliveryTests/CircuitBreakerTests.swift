import Delivery
import Foundation
import Testing

@Suite("Webhook circuit breaker")
struct CircuitBreakerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy: CircuitBreakerPolicy = {
        var policy = CircuitBreakerPolicy()
        policy.failureThreshold = 3
        policy.firstCoolDown = .seconds(30)
        policy.maxCoolDown = .seconds(100)
        policy.probeTimeout = .seconds(10)
        return policy
    }()

    @Test("closed until 3 failures in a row; a success in between starts the count again")
    func opens() {
        var circuit = CircuitBreaker()
        #expect(circuit.record(failed: true, now: Self.t0, policy: Self.policy) == nil)
        #expect(circuit.record(failed: false, now: Self.t0, policy: Self.policy) == nil)
        #expect(circuit.record(failed: true, now: Self.t0, policy: Self.policy) == nil)
        #expect(circuit.record(failed: true, now: Self.t0, policy: Self.policy) == nil)
        #expect(circuit.admit(now: Self.t0, policy: Self.policy) == .attempt)
        #expect(circuit.record(failed: true, now: Self.t0, policy: Self.policy) == .opened(until: Self.t0.addingTimeInterval(30)))
        #expect(circuit.admit(now: Self.t0.addingTimeInterval(29), policy: Self.policy) == .wait(until: Self.t0.addingTimeInterval(30)))
    }

    @Test("after the cool-down one probe goes; others wait for it; a failed probe doubles the cool-down up to the cap; a good one closes")
    func probes() {
        var circuit = CircuitBreaker()
        for _ in 0..<3 { _ = circuit.record(failed: true, now: Self.t0, policy: Self.policy) }
        var now = Self.t0.addingTimeInterval(30)
        #expect(circuit.admit(now: now, policy: Self.policy) == .probe)
        #expect(circuit.admit(now: now, policy: Self.policy) == .wait(until: now.addingTimeInterval(10)), "one probe at a time")
        #expect(circuit.record(failed: true, now: now, policy: Self.policy) == .opened(until: now.addingTimeInterval(60)))
        now = now.addingTimeInterval(60)
        #expect(circuit.admit(now: now, policy: Self.policy) == .probe)
        #expect(circuit.record(failed: true, now: now, policy: Self.policy) == .opened(until: now.addingTimeInterval(100)), "capped")
        now = now.addingTimeInterval(100)
        #expect(circuit.admit(now: now, policy: Self.policy) == .probe)
        #expect(circuit.admit(now: now.addingTimeInterval(11), policy: Self.policy) == .probe, "a probe that never answered is replaced")
        #expect(circuit.record(failed: false, now: now, policy: Self.policy) == .closed)
        #expect(circuit.admit(now: now, policy: Self.policy) == .attempt)
        #expect(circuit.state == .closed(failures: 0))
    }

    @Test("fitted to a retry policy: the pause never exceeds the longest wait between attempts")
    func fitted() {
        var retry = RetryPolicy()
        #expect(CircuitBreakerPolicy(fitting: retry).firstCoolDown == .seconds(30))
        #expect(CircuitBreakerPolicy(fitting: retry).maxCoolDown == .seconds(600))
        retry.maxDelay = .seconds(1)
        retry.attemptTimeout = .seconds(2)
        let short = CircuitBreakerPolicy(fitting: retry)
        #expect(short.firstCoolDown == .seconds(1) && short.maxCoolDown == .seconds(1) && short.probeTimeout == .seconds(7))
    }

    @Test("the table keeps only failing URLs, one circuit each")
    func table() {
        let breakers = CircuitBreakers(policy: Self.policy)
        #expect(breakers.record(url: "http://up/hook", failed: false, now: Self.t0) == nil)
        for _ in 0..<3 { _ = breakers.record(url: "http://down/hook", failed: true, now: Self.t0) }
        #expect(breakers.admit(url: "http://down/hook", now: Self.t0) == .wait(until: Self.t0.addingTimeInterval(30)))
        #expect(breakers.admit(url: "http://up/hook", now: Self.t0) == .attempt)
        #expect(breakers.admit(url: "http://down/hook", now: Self.t0.addingTimeInterval(30)) == .probe)
        #expect(breakers.record(url: "http://down/hook", failed: false, now: Self.t0.addingTimeInterval(31)) == .closed)
        #expect(breakers.admit(url: "http://down/hook", now: Self.t0.addingTimeInterval(31)) == .attempt)
    }
}
