import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IPAddressing
import Server
import Testing

@Suite("Wrong-token cool-down per client address")
struct WrongTokenThrottleTests {
    static let sendBody = "phone=12020721369&body=hi"
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    static func bridge(_ world: TestWorld, graph: FakeGraphAPI, throttle: WrongTokenThrottle) async throws -> some ApplicationProtocol {
        try await buildApplication(
            world.configuration(graphURL: "http://graph.invalid"),
            dependencies: BridgeDependencies(store: world.database, graph: graph, egressAddress: .unexpected, wrongTokenThrottle: throttle))
    }

    @Test("20 wrong tokens in a minute → 429 with Retry-After for 60 s, tokens unchecked; then the right token works again")
    func coolDown() async throws {
        let world = try await TestWorld.make(.memory)
        let clock = ManualClock()
        let graph = FakeGraphAPI()
        let app = try await Self.bridge(world, graph: graph, throttle: WrongTokenThrottle(now: { clock.now }))
        try await app.test(.router) { client in
            for index in 1...19 {
                let wrong = try await client.execute(uri: "/alpha/settings?token=wrong-\(index)", method: .get)
                #expect(wrong.status == .unauthorized)
            }
            // Before the limit the right token works as ever.
            let right = try await client.execute(uri: "/alpha/settings?token=\(TestWorld.alphaToken)", method: .get)
            #expect(right.status == .ok)
            #expect(try await client.execute(uri: "/alpha/settings?token=wrong-20", method: .get).status == .unauthorized)
            clock.advance(.seconds(15))
            let cooled = try await client.execute(uri: "/alpha/settings?token=\(TestWorld.alphaToken)", method: .get)
            #expect(cooled.status == .tooManyRequests)
            #expect(cooled.headers[.retryAfter] == "45")
            #expect((cooled.json["error"] as? String)?.hasPrefix("Too many wrong tokens from this address") == true, "\(cooled.text)")
            #expect(cooled.headers[.contentType]?.hasPrefix("application/json") == true)
            let header = try await client.execute(
                uri: "/alpha/settings", method: .get, headers: [.authorization: "Bearer \(TestWorld.betaToken)"])
            #expect(header.status == .tooManyRequests)
            clock.advance(.seconds(45))
            let again = try await client.execute(uri: "/alpha/settings?token=\(TestWorld.alphaToken)", method: .get)
            #expect(again.status == .ok)
            // Unauthenticated routes are not throttled.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
        #expect(graph.log.all.isEmpty)
    }

    @Test(".live: behind a trusted proxy each X-Forwarded-For client has its own count; without one the header is ignored")
    func forwardedClients() async throws {
        let world = try await TestWorld.make()
        var config = world.configuration(graphURL: "http://127.0.0.1:9")
        config.trustedProxies = [try #require(AddressRange("127.0.0.0/8"))]
        let app = try await buildApplication(config)
        try await app.test(.live) { client in
            for index in 1...20 {
                let wrong = try await client.execute(
                    uri: "/alpha/settings?token=wrong-\(index)", method: .get, headers: [Self.forwardedFor: "6.6.6.6, 198.51.100.7"])
                #expect(wrong.status == .unauthorized)
            }
            let blocked = try await client.execute(
                uri: "/alpha/settings?token=\(TestWorld.alphaToken)", method: .get, headers: [Self.forwardedFor: "198.51.100.7"])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] == "60")
            let other = try await client.execute(
                uri: "/alpha/settings?token=\(TestWorld.alphaToken)", method: .get, headers: [Self.forwardedFor: "198.51.100.8"])
            #expect(other.status == .ok)
            let direct = try await client.execute(uri: "/alpha/settings?token=\(TestWorld.alphaToken)", method: .get)
            #expect(direct.status == .ok, "the proxy's own address is another client")
        }
        // Without --trusted-proxy, a client that writes a new X-Forwarded-For each time is still one address.
        let untrusting = try await buildApplication(world.configuration(graphURL: "http://127.0.0.1:9"))
        try await untrusting.test(.live) { client in
            for index in 1...20 {
                let wrong = try await client.execute(
                    uri: "/alpha/settings?token=wrong-\(index)", method: .get, headers: [Self.forwardedFor: "203.0.113.\(index)"])
                #expect(wrong.status == .unauthorized)
            }
            let blocked = try await client.execute(
                uri: "/alpha/settings?token=\(TestWorld.alphaToken)", method: .get, headers: [Self.forwardedFor: "203.0.113.99"])
            #expect(blocked.status == .tooManyRequests)
        }
    }
}
