import Cloud
import Testing
import Translation

@Suite("Send retry policy")
struct SendRetryPolicyTests {
    static func refusal(_ code: Int, status: Int = 400) -> CloudCallFailure {
        .refused(httpStatus: status, error: CloudError(code: code, message: "(#\(code))"))
    }

    @Test("failures sort by whether Meta certainly did not take the message")
    func kinds() {
        #expect(SendFailureKind(.unreachable(reason: "refused")) == .notSent)
        for code in [130429, 80007, 4, 613] { #expect(SendFailureKind(Self.refusal(code)) == .rateLimited(code: code)) }
        #expect(SendFailureKind(Self.refusal(131056)) == .recipientRateLimited)
        #expect(SendFailureKind(Self.refusal(131000, status: 500)) == .outcomeUnknown)
        #expect(SendFailureKind(Self.refusal(131047)) == .refused)
        #expect(SendFailureKind(.timedOut(seconds: 30)) == .outcomeUnknown)
        #expect(SendFailureKind(.interrupted(reason: "reset")) == .outcomeUnknown)
        #expect(SendFailureKind(.unexpectedResponse(httpStatus: 200)) == .outcomeUnknown)
    }

    @Test("waits double from 250 ms up to 2 s, with jitter between half and all, and stop when the window would pass")
    func backoff() {
        let policy = SendRetryPolicy(window: .seconds(5), reachWindow: .seconds(30))
        let limited = SendFailureKind.rateLimited(code: 130429)
        #expect(policy.decision(after: limited, attempt: 1, elapsed: .zero, random: 0.5) == .retry(after: .microseconds(187_500)))
        #expect(policy.decision(after: limited, attempt: 1, elapsed: .zero, random: 0) == .retry(after: .milliseconds(125)))
        #expect(policy.decision(after: limited, attempt: 3, elapsed: .zero, random: 0) == .retry(after: .milliseconds(500)))
        #expect(policy.decision(after: limited, attempt: 9, elapsed: .zero, random: 0) == .retry(after: .seconds(1)))
        #expect(policy.decision(after: limited, attempt: 2, elapsed: .milliseconds(4_800), random: 0) == .answer)
        #expect(policy.decision(after: .notSent, attempt: 2, elapsed: .seconds(10), random: 0) == .retry(after: .milliseconds(250)))
        for kind in [SendFailureKind.recipientRateLimited, .outcomeUnknown, .refused] {
            #expect(policy.decision(after: kind, attempt: 1, elapsed: .zero, random: 0) == .answer)
        }
    }

    @Test("Retry-After: 6 s for one recipient, 1 s for throughput, 60 s for call-rate limits, none otherwise")
    func retryAfter() {
        #expect(SendRetryPolicy.retryAfterSeconds(for: .recipientRateLimited) == 6)
        #expect(SendRetryPolicy.retryAfterSeconds(for: .rateLimited(code: 130429)) == 1)
        #expect(SendRetryPolicy.retryAfterSeconds(for: .rateLimited(code: 80007)) == 60)
        #expect(SendRetryPolicy.retryAfterSeconds(for: .outcomeUnknown) == nil)
    }
}
