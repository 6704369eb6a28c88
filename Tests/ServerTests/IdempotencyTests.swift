import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OneMsg
import Store
import Testing
import Translation

@testable import Server

/// `Idempotency-Key` on sends: a retry gets the first reply and Meta is asked once; another request with the key is a
/// 409; a key whose request reached no one may be used again; an unknown outcome is never resent blindly.
@Suite("Idempotency keys")
struct IdempotencyTests {
    static let uri = "/alpha/sendMessage?token=\(TestWorld.alphaToken)"
    static let body = "phone=12020721369&body=hello"

    static func key(_ value: String) -> HTTPFields { [IdempotencyKeyHeader.name: value] }

    func bridge(_ graph: FakeGraphAPI, world: TestWorld) async throws -> some ApplicationProtocol {
        try await world.bridge(graph: graph) { config in
            config.sendRetryWindow = .zero
            config.upstreamTimeout = .zero
        }
    }

    @Test("the same key twice: one call to Meta, one message in the history, the same reply marked as repeated")
    func replay() async throws {
        let world = try await TestWorld.make(.memory)
        let (graph, calls) = SendRetryTests.scripted([SendRetryTests.accepted])
        try await bridge(graph, world: world).test(.router) { client in
            let first = try await client.post(Self.uri, Self.body, headers: Self.key("order-1001"))
            #expect(first.json["sent"] as? Bool == true && first.headers[IdempotencyKeyHeader.replayed] == nil)
            // The same request in JSON: it says the same, so it is the same request.
            let again = try await client.post(
                Self.uri, #"{"phone": "+1 202 072 1369", "body": "hello"}"#, contentType: "application/json", headers: Self.key("order-1001"))
            #expect(again.status == .ok && again.text == first.text)
            #expect(again.headers[IdempotencyKeyHeader.replayed] == "true")
            let other = try await client.post(Self.uri, Self.body, headers: Self.key("order-1002"))
            #expect(other.json["sent"] as? Bool == true)
        }
        #expect(calls.count == 2)
        #expect(try await world.store().messages(channelID: "alpha").count == 1, "one wamid (the fake repeats it), one history entry")
    }

    @Test("the same key with another message → 409 naming the header; nothing sent; keys are per channel")
    func conflict() async throws {
        let world = try await TestWorld.make(.memory)
        let (graph, calls) = SendRetryTests.scripted([SendRetryTests.accepted])
        try await bridge(graph, world: world).test(.router) { client in
            _ = try await client.post(Self.uri, Self.body, headers: Self.key("k-1"))
            let changed = try await client.post(Self.uri, "phone=12020721369&body=other", headers: Self.key("k-1"))
            #expect(changed.status == .conflict)
            #expect((changed.json["error"] as? String)?.hasPrefix("Idempotency-Key was used with a different request") == true)
            let beta = try await client.post(
                "/beta/sendMessage?token=\(TestWorld.betaToken)", "phone=12020721369&body=other", headers: Self.key("k-1"))
            #expect(beta.json["sent"] as? Bool == true, "another channel's key space")
        }
        #expect(calls.count == 2)
    }

    @Test("a key whose send reached no one (rate-limited, unreachable) is free again; the retry sends")
    func releasedWhenNothingWasSent() async throws {
        let world = try await TestWorld.make(.memory)
        let (graph, calls) = SendRetryTests.scripted([
            .failure(.meta(131056, "(#131056) pair rate limit hit")), .failure(.unreachable(reason: "connection refused")),
            SendRetryTests.accepted,
        ])
        try await bridge(graph, world: world).test(.router) { client in
            let limited = try await client.post(Self.uri, Self.body, headers: Self.key("k-2"))
            #expect(limited.status == .tooManyRequests)
            let unreachable = try await client.post(Self.uri, Self.body, headers: Self.key("k-2"))
            #expect(unreachable.json["sent"] as? Bool == false)
            let sent = try await client.post(Self.uri, Self.body, headers: Self.key("k-2"))
            #expect(sent.json["sent"] as? Bool == true && sent.headers[IdempotencyKeyHeader.replayed] == nil)
        }
        #expect(calls.count == 3)
    }

    @Test("an unknown outcome (timeout) is kept: the retry gets it again and Meta is not asked twice")
    func unknownOutcomeKept() async throws {
        let world = try await TestWorld.make(.memory)
        let (graph, calls) = SendRetryTests.scripted([.failure(.timedOut(seconds: 30)), SendRetryTests.accepted])
        try await bridge(graph, world: world).test(.router) { client in
            let first = try await client.post(Self.uri, Self.body, headers: Self.key("k-3"))
            #expect(first.json["description"] as? String == "Outcome unknown")
            let retry = try await client.post(Self.uri, Self.body, headers: Self.key("k-3"))
            #expect(retry.text == first.text && retry.headers[IdempotencyKeyHeader.replayed] == "true")
        }
        #expect(calls.count == 1)
    }

    @Test("a key claimed by a request that never finished: 409 with Retry-After while it may be under way, then 'outcome unknown'")
    func interruptedRequest() async throws {
        let world = try await TestWorld.make(.memory)
        let fields = RequestFields(values: ["phone": .string("12020721369"), "body": .string("hello")])
        let fingerprint = SendFingerprint.of(.sendMessage, try SendOperation.sendMessage.translate(fields))
        let store = world.store()
        let longAgo = Date().addingTimeInterval(-3600)
        #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "crashed", fingerprint: fingerprint, now: longAgo) == .claimed)
        let app = try await world.bridge(graph: FakeGraphAPI()) { config in
            config.sendRetryWindow = .seconds(1)
            config.upstreamTimeout = .seconds(2)
        }
        try await app.test(.router) { client in
            // Claimed just before the request, so a slow machine cannot age it past the in-flight limit first.
            #expect(try await store.claimIdempotencyKey(channelID: "alpha", key: "recent", fingerprint: fingerprint, now: Date()) == .claimed)
            let underWay = try await client.post(Self.uri, Self.body, headers: Self.key("recent"))
            #expect(underWay.status == .conflict && (underWay.json["error"] as? String)?.contains("still under way") == true)
            #expect(Int(underWay.headers[.retryAfter] ?? "") ?? 0 >= 1)

            let crashed = try await client.post(Self.uri, Self.body, headers: Self.key("crashed"))
            #expect(crashed.status == .ok && crashed.json["sent"] as? Bool == false)
            #expect(crashed.json["description"] as? String == "Outcome unknown")
            #expect((crashed.json["message"] as? String)?.contains("never recorded") == true, "\(crashed.text)")
        }
    }

    @Test("a malformed key is a 400 naming the header, before anything is sent")
    func malformedKey() async throws {
        let world = try await TestWorld.make(.memory)
        try await bridge(FakeGraphAPI(), world: world).test(.router) { client in
            for bad in [String(repeating: "k", count: 256), "two words"] {
                let response = try await client.post(Self.uri, Self.body, headers: Self.key(bad))
                #expect(response.status == .badRequest)
                #expect((response.json["error"] as? String)?.contains("Idempotency-Key: must be 1 to 255 visible ASCII") == true)
            }
        }
    }
}
