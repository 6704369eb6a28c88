import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Synchronization
import Testing

/// Sends under upstream faults: retried only when Meta certainly did not take them, and Meta's rate limits answered
/// with HTTP 429 and `Retry-After`, as real 1MSG clients expect.
@Suite("Send retries")
struct SendRetryTests {
    static let uri = "/alpha/sendMessage?token=\(TestWorld.alphaToken)"

    /// A Graph API whose sends answer `script` in turn (the last answer repeats), counting the calls.
    static func scripted(_ script: [Result<CloudSendResponse, CloudCallFailure>]) -> (FakeGraphAPI, CallCount) {
        let calls = CallCount()
        var graph = FakeGraphAPI()
        graph.onSendMessage = { _ in
            let call = calls.next()
            return script[min(call, script.count) - 1]
        }
        return (graph, calls)
    }

    static let accepted = Result<CloudSendResponse, CloudCallFailure>.success(
        CloudSendResponse(contacts: [], messages: [.init(id: "wamid.AFTER.RETRY")]))

    func send(_ graph: FakeGraphAPI, window: Duration = .seconds(5), reach: Duration = .seconds(5)) async throws -> TestResponse {
        let world = try await TestWorld.make(.memory)
        let app = try await world.bridge(graph: graph) { config in
            config.sendRetryWindow = window
            config.upstreamTimeout = reach
        }
        return try await app.test(.router) { client in try await client.post(Self.uri, "phone=12020721369&body=hi") }
    }

    @Test("throughput and call-rate limits (130429, 80007, 4, 613) are retried within the window; the send then goes out once")
    func rateLimitsRetried() async throws {
        for code in [130429, 80007, 4, 613] {
            let limited = Result<CloudSendResponse, CloudCallFailure>.failure(.meta(code, "(#\(code)) Rate limit hit"))
            let (graph, calls) = Self.scripted([limited, limited, Self.accepted])
            let response = try await send(graph)
            #expect(response.status == .ok)
            #expect(response.json["sent"] as? Bool == true && response.json["id"] as? String == "wamid.AFTER.RETRY", "\(response.text)")
            #expect(calls.count == 3)
        }
    }

    @Test("still rate-limited when the window ends → HTTP 429 with Retry-After and 1MSG's sent:false body with Meta's code")
    func rateLimitPersists() async throws {
        let (graph, calls) = Self.scripted([.failure(.meta(130429, "(#130429) Rate limit hit"))])
        let response = try await send(graph, window: .milliseconds(600))
        #expect(response.status == .tooManyRequests)
        #expect(response.headers[.retryAfter] == "1")
        #expect(response.json["sent"] as? Bool == false && response.json["code"] as? Int == 130429)
        #expect((response.json["message"] as? String)?.hasPrefix("130429: Rate limited") == true, "\(response.text)")
        #expect(calls.count >= 2, "retried before giving up")

        let (hourly, _) = Self.scripted([.failure(.meta(80007, "(#80007) Rate limit hit"))])
        let slow = try await send(hourly, window: .zero)
        #expect(slow.status == .tooManyRequests && slow.headers[.retryAfter] == "60")
    }

    @Test("too many messages to one recipient (131056) → HTTP 429 at once, Retry-After 6, Meta asked once")
    func pairRateLimit() async throws {
        let (graph, calls) = Self.scripted([.failure(.meta(131056, "(#131056) pair rate limit hit")), Self.accepted])
        let response = try await send(graph)
        #expect(response.status == .tooManyRequests)
        #expect(response.headers[.retryAfter] == "6")
        #expect(response.json["code"] as? Int == 131056 && response.json["sent"] as? Bool == false)
        #expect(calls.count == 1)
    }

    @Test("a send that never reached Meta (connection refused) is sent again within the upstream timeout")
    func unreachableRetried() async throws {
        let (graph, calls) = Self.scripted([.failure(.unreachable(reason: "connection refused")), Self.accepted])
        let response = try await send(graph)
        #expect(response.status == .ok && response.json["sent"] as? Bool == true, "\(response.text)")
        #expect(calls.count == 2)

        let (down, attempts) = Self.scripted([.failure(.unreachable(reason: "connection refused"))])
        let gaveUp = try await send(down, reach: .milliseconds(600))
        #expect(gaveUp.status == .ok && gaveUp.json["sent"] as? Bool == false)
        #expect((gaveUp.json["message"] as? String)?.contains("nothing was sent") == true, "\(gaveUp.text)")
        #expect(attempts.count >= 2)
    }

    @Test(
        "a timeout, a broken connection, a 5xx or an unreadable answer is never sent again; the reply says the outcome is unknown",
        arguments: [
            CloudCallFailure.timedOut(seconds: 30), .interrupted(reason: "connection closed by the remote end"),
            .meta(131000, "(#131000) Something went wrong", httpStatus: 500), .unexpectedResponse(httpStatus: 502),
        ])
    func unknownOutcomesNotRetried(failure: CloudCallFailure) async throws {
        let (graph, calls) = Self.scripted([.failure(failure), Self.accepted])
        let response = try await send(graph)
        #expect(response.status == .ok)
        #expect(response.json["sent"] as? Bool == false && response.json["description"] as? String == "Outcome unknown", "\(response.text)")
        #expect((response.json["message"] as? String)?.contains("may or may not") == true || response.text.contains("outcome is unknown"))
        #expect(calls.count == 1)
    }

    @Test("a refusal a retry does not change (131047) is answered at once with HTTP 200")
    func plainRefusal() async throws {
        let (graph, calls) = Self.scripted([.failure(.meta(131047, "(#131047) Re-engagement message")), Self.accepted])
        let response = try await send(graph)
        #expect(response.status == .ok && response.json["code"] as? Int == 131047)
        #expect(calls.count == 1)
    }
}

/// How many times a fake was called.
final class CallCount: Sendable {
    private let value = Atomic<Int>(0)

    /// Counts a call; returns its number (1 for the first).
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }

    var count: Int { value.load(ordering: .relaxed) }
}
