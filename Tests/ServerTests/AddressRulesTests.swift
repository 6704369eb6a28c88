import IPAddressing
import Synchronization
import Testing

@testable import Server

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let offset = Mutex<Duration>(.zero)

    var now: ContinuousClock.Instant { start + offset.withLock { $0 } }

    func advance(_ duration: Duration) {
        offset.withLock { $0 += duration }
    }
}

@Suite("Address rules: ranges, client addresses behind proxies, the wrong-token throttle")
struct AddressRulesTests {
    @Test("CIDR ranges contain their addresses, one family at a time; bad ranges do not parse")
    func ranges() throws {
        let ten = try #require(AddressRange("10.0.0.0/8"))
        #expect(ten.contains(try #require(IPAddress("10.200.3.4"))))
        #expect(!ten.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(ten.contains(try #require(IPAddress("::ffff:10.1.1.1"))))
        let odd = try #require(AddressRange("192.168.4.0/22"))
        #expect(odd.contains(try #require(IPAddress("192.168.7.255"))))
        #expect(!odd.contains(try #require(IPAddress("192.168.8.0"))))
        let v6 = try #require(AddressRange("2001:db8::/32"))
        #expect(v6.contains(try #require(IPAddress("2001:db8:ffff::1"))))
        #expect(!v6.contains(try #require(IPAddress("10.0.0.1"))))
        #expect(AddressRange("203.0.113.9")?.contains(try #require(IPAddress("203.0.113.9"))) == true)
        #expect(AddressRange("0.0.0.0/0")?.contains(try #require(IPAddress("8.8.8.8"))) == true)
        for bad in ["10.0.0.0/33", "example.com/8", "10.0.0.0/x", "", "1.2.3.4/8/9"] {
            #expect(AddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test(
        "the client address: the peer, or behind a trusted proxy the right-most untrusted X-Forwarded-For address",
        arguments: [
            // An untrusted peer's header is ignored: a client cannot pick its own address.
            ("198.51.100.1", ["203.0.113.5"], "198.51.100.1"),
            ("10.0.0.2", ["203.0.113.5"], "203.0.113.5"),
            // Addresses the client wrote on the left are skipped: the proxy appended the real one on the right.
            ("10.0.0.2", ["6.6.6.6, 203.0.113.5"], "203.0.113.5"),
            ("10.0.0.2", ["6.6.6.6", "203.0.113.5, 10.0.0.9"], "203.0.113.5"),
            ("10.0.0.2", ["203.0.113.5:4711"], "203.0.113.5"),
            ("10.0.0.2", ["[2001:db8::7]:4711"], "2001:db8::7"),
            ("10.0.0.2", ["10.0.0.8, 10.0.0.9"], "10.0.0.8"),
            ("10.0.0.2", [], "10.0.0.2"),
            ("10.0.0.2", ["garbage"], "10.0.0.2"),
            ("::ffff:10.0.0.2", ["203.0.113.5"], "203.0.113.5"),
        ])
    func clientAddress(_ peer: String, _ forwardedFor: [String], _ expected: String) throws {
        let rule = ClientAddress(trustedProxies: [try #require(AddressRange("10.0.0.0/8"))])
        #expect(rule.resolve(peer: peer, forwardedFor: forwardedFor) == expected)
        #expect(ClientAddress(trustedProxies: []).resolve(peer: nil, forwardedFor: ["203.0.113.5"]) == "unknown")
    }

    @Test("20 failures within a minute start a 60 s cool-down; older failures do not count")
    func throttle() {
        let clock = ManualClock()
        let throttle = WrongTokenThrottle(now: { clock.now })
        for _ in 1...19 { throttle.recordFailure(from: "a") }
        #expect(throttle.remainingCoolDown(for: "a") == nil)
        clock.advance(.seconds(61))
        throttle.recordFailure(from: "a")
        #expect(throttle.remainingCoolDown(for: "a") == nil, "the first 19 are older than a minute")
        for _ in 1...19 { throttle.recordFailure(from: "a") }
        #expect(throttle.remainingCoolDown(for: "a") == .seconds(60))
        #expect(throttle.remainingCoolDown(for: "b") == nil)
        clock.advance(.seconds(59))
        #expect(throttle.remainingCoolDown(for: "a") == .seconds(1))
        clock.advance(.seconds(1))
        #expect(throttle.remainingCoolDown(for: "a") == nil)
    }

    @Test("a limit of 0 never cools an address down")
    func off() {
        let throttle = WrongTokenThrottle(failuresPerMinute: 0)
        for _ in 1...100 { throttle.recordFailure(from: "a") }
        #expect(throttle.remainingCoolDown(for: "a") == nil)
        #expect(throttle.trackedAddresses == 0)
    }

    @Test("the address table stays within its cap, dropping stale addresses first and never a cooling one while stale ones remain")
    func boundedMemory() {
        let clock = ManualClock()
        var limits = WrongTokenThrottle.Limits()
        limits.maxAddresses = 100
        limits.failures = 3
        let throttle = WrongTokenThrottle(limits: limits, now: { clock.now })
        for _ in 1...3 { throttle.recordFailure(from: "blocked") }
        for index in 0..<99 { throttle.recordFailure(from: "old-\(index)") }
        #expect(throttle.trackedAddresses == 100)
        clock.advance(.seconds(30))
        for index in 0..<10_000 { throttle.recordFailure(from: "new-\(index)") }
        #expect(throttle.trackedAddresses <= 100)
        #expect(throttle.remainingCoolDown(for: "blocked") == .seconds(30))
    }
}
