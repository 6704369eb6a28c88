import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SandboxMode
import Server
import Testing

@Suite("Sandbox, operations endpoints and log hygiene")
struct SandboxAndOperationsTests {
    @Test(".live sandbox: the banner's curl line sends, and the simulator's signed statuses come back and are committed")
    func sandboxEndToEnd() async throws {
        let world = try await TestWorld.make()
        let logs = LogCapture()
        var config = world.configuration(graphURL: "http://unused.invalid", logs: logs)
        config.sandbox = true
        config.sandboxStatusDelay = .milliseconds(10)
        let app = try await buildApplication(config, dependencies: BridgeDependencies(simulatedUpstream: SandboxUpstream()))
        try await app.test(.live) { client in
            #expect(await eventually { logs.text.contains("curl -X POST") })
            let banner = try #require(logs.text.components(separatedBy: "\n").first { $0.contains("curl -X POST") })
            let token = try #require(banner.firstMatch(of: /token=([A-Za-z0-9]+)/)?.output.1)
            #expect(banner.contains("/sandbox/sendMessage?token="))
            #expect(banner.contains("-d 'phone=12020721369&body=hi'"))

            let response = try await client.post("/sandbox/sendMessage?token=\(token)", "phone=12020721369&body=hi")
            #expect(response.status == .ok)
            #expect(response.json["sent"] as? Bool == true)
            let wamid = try #require(response.json["id"] as? String)

            let committed = try await eventually {
                try await world.store().recentInboundPayloads(limit: 10)
                    .filter { String(decoding: $0, as: UTF8.self).contains(wamid) }.count == 3
            }
            #expect(committed, "sent, delivered and read statuses reach /cloud/webhook signed and are stored")
            let statuses = try await world.store().recentInboundPayloads(limit: 10).map { String(decoding: $0, as: UTF8.self) }
            for status in ["sent", "delivered", "read"] {
                #expect(statuses.contains { $0.contains("\"status\":\"\(status)\"") })
            }
        }
    }

    @Test(".live sandbox: the banner's inbound curl line makes the simulator post a signed message that reaches the client webhook")
    func sandboxInbound() async throws {
        try await SandboxSession.run { sandbox in
            #expect(try await sandbox.customerWrites("from=12020721369&text=hello+bridge&name=Ana") == 200)
            #expect(await eventually { !sandbox.receiver.items("messages").isEmpty })
            let item = try #require(sandbox.receiver.items("messages").first)
            #expect(item["body"] as? String == "hello bridge")
            #expect(item["senderName"] as? String == "Ana")
            #expect(item["chatId"] as? String == "12020721369@c.us")
        }
    }

    @Test("a second sandbox start keeps the demo channel and issues a new token")
    func sandboxRestart() async throws {
        let world = try await TestWorld.make()
        var tokens: [String] = []
        for _ in 0..<2 {
            let logs = LogCapture()
            var config = world.configuration(graphURL: "http://unused.invalid", logs: logs)
            config.sandbox = true
            let app = try await buildApplication(config, dependencies: BridgeDependencies(simulatedUpstream: SandboxUpstream()))
            try await app.test(.live) { _ in
                #expect(await eventually { logs.text.contains("token=") })
            }
            tokens.append(String(try #require(logs.text.firstMatch(of: /token=([A-Za-z0-9]+)/)?.output.1)))
        }
        #expect(tokens[0] != tokens[1])
        #expect(try await world.store().channels().filter { $0.id == "sandbox" }.count == 1)
    }

    @Test("healthz, readyz and metrics; metrics carry route templates, never tokens or phone numbers")
    func operations() async throws {
        let world = try await TestWorld.make()
        let app = try await world.bridge(graph: .acceptingMessages())
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).json["status"] as? String == "ok")
            #expect(try await client.execute(uri: "/readyz", method: .get).json["status"] as? String == "ready")
            _ = try await client.post("/alpha/sendMessage?token=\(TestWorld.alphaToken)", "phone=12020721369&body=hi")
            _ = try await client.post("/sendMessage?token=wrong-token-123", "phone=12020721369&body=hi")
            let unknown = try await client.execute(uri: "/nothing/here/at/all", method: .get)
            #expect(unknown.status == .notFound)
            #expect(unknown.json["error"] != nil)
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"bridge_http_requests_total{method="POST",route="/{channelId}/sendMessage",status="200"} 1"#))
            #expect(metrics.contains(#"route="/sendMessage",status="401""#))
            #expect(metrics.contains(#"bridge_upstream_calls_total{operation="sendMessage",outcome="accepted"} 1"#))
            #expect(metrics.contains("bridge_http_request_duration_seconds_bucket"))
            for secret in [TestWorld.alphaToken, "wrong-token-123", "12020721369", TestWorld.alpha.accessToken] {
                #expect(!metrics.contains(secret))
            }
        }
    }

    @Test(".live: logs at trace level hold no token, access token, app secret or raw URI")
    func logsHoldNoSecrets() async throws {
        let world = try await TestWorld.make()
        let logs = LogCapture()
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL, logs: logs))
            try await app.test(.live) { client in
                _ = try await client.post("/alpha/sendMessage?token=\(TestWorld.alphaToken)", "phone=12020721369&body=hi")
                _ = try await client.post("/alpha/sendMessage?token=wrong-token-abcdef", "phone=12020721369&body=hi")
                _ = try await client.post(
                    "/sendMessage", "phone=12020721369&body=hi", headers: [.authorization: "Bearer \(TestWorld.alphaToken)"])
                _ = try await client.post(
                    "/alpha/sendMessage", #"{"token":"\#(TestWorld.betaToken)","phone":"1","body":""}"#, contentType: "application/json")
                _ = try await client.post("/sendMessage", "phone=12020721369&body=hi", headers: [HTTPField.Name("token")!: "header-token-ghijkl"])
                _ = try await client.post(
                    "/alpha/sendMessage", "phone=12020721369&body=hi", headers: [HTTPField.Name("token")!: TestWorld.alphaToken])
                world.probe.scriptNext(.error(httpStatus: 401, .init(code: 190, message: "Invalid OAuth access token")))
                _ = try await client.post("/alpha/sendMessage?token=\(TestWorld.alphaToken)", "phone=12020721369&body=hi")
            }
        }
        let text = logs.text
        #expect(text.contains("/{channelId}/sendMessage"), "requests are logged by route template")
        for secret in [
            TestWorld.alphaToken, TestWorld.betaToken, "wrong-token-abcdef", "header-token-ghijkl", TestWorld.alpha.accessToken,
            TestWorld.alpha.appSecret, TestWorld.beta.appSecret, "token=",
        ] {
            #expect(!text.contains(secret), "log output contains \(secret)")
        }
    }
}
