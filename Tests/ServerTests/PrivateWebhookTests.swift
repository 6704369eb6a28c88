import AsyncHTTPClient
import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IPAddressing
import Logging
import NIOCore
import OneMsg
import Store
import Synchronization
import Testing

@testable import Server

/// A resolver whose answer changes after the first lookup, as a DNS-rebinding server's does: a public-looking
/// (here: loopback, allowed by the test's policy) address first, a private one afterwards.
final class RebindingResolver: Sendable {
    private let lookups = Mutex<[String]>([])

    /// The names looked up, in order.
    var names: [String] { lookups.withLock { $0 } }

    @Sendable func resolve(_ host: String) async throws -> [String] {
        lookups.withLock { lookups in
            lookups.append(host)
            return lookups.count == 1 ? ["127.0.0.1"] : ["10.255.0.1"]
        }
    }
}

/// A loopback server that records the `Host` of every request: serves `GET /file` and accepts `POST /hook`.
final class HostRecorder: Sendable {
    private let hosts = Mutex<[String]>([])

    var seen: [String] { hosts.withLock { $0 } }

    func run<T: Sendable>(_ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.get("file") { request, _ -> Response in
            self.hosts.withLock { $0.append(request.head.authority ?? "") }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "pinned")))
        }
        router.post("hook") { request, _ -> Response in
            self.hosts.withLock { $0.append(request.head.authority ?? "") }
            return Response(status: .ok)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: Logger(label: "host-recorder", factory: { _ in SwiftLogNoOpLogHandler() }))
        return try await app.test(.live) { client in try await body(client.port!) }
    }
}

@Suite("Private webhook addresses and pinned connections")
struct PrivateWebhookTests {
    static let token = "token=\(TestWorld.alphaToken)"

    @Test("--deny-private-webhooks: POST /settings and /webhook refuse non-public webhook hosts with 400 naming webhookUrl")
    func settingsRefused() async throws {
        let world = try await TestWorld.make(.memory)
        let strict = try await world.bridge(graph: FakeGraphAPI()) { $0.denyPrivateWebhooks = true }
        try await strict.test(.router) { client in
            for (url, kind) in [
                ("http://127.0.0.1:9/hook", "loopback"), ("http://10.1.2.3/hook", "private"),
                ("https://169.254.169.254/latest", "link-local"), ("http://[::1]:8080/x", "loopback"), ("http://0.0.0.0/x", "reserved"),
                ("http://localhost:9/hook", "loopback"),
            ] {
                for operation in ["settings", "webhook"] {
                    let response = try await client.post("/alpha/\(operation)?\(Self.token)", "webhookUrl=\(url)")
                    #expect(response.status == .badRequest, "\(operation) \(url)")
                    let error = response.json["error"] as? String ?? ""
                    #expect(error.hasPrefix("Invalid request: webhookUrl: resolves to a \(kind) address"), "\(error)")
                }
            }
            let mixed = try await client.post("/alpha/settings?\(Self.token)", "webhookUrl=http://93.184.216.34/a,http://192.168.0.10/b")
            #expect(mixed.status == .badRequest)
            let allowed = try await client.post("/alpha/settings?\(Self.token)", "webhookUrl=http://93.184.216.34/hook")
            #expect(allowed.status == .ok, "\(allowed.text)")
        }
        #expect(try await world.store().channel(id: "alpha")?.settings.webhookURLs == ["http://93.184.216.34/hook"])
        let lenient = try await world.bridge(graph: FakeGraphAPI())
        try await lenient.test(.router) { client in
            let response = try await client.post("/alpha/settings?\(Self.token)", "webhookUrl=http://10.1.2.3/hook")
            #expect(response.status == .ok, "private webhook URLs are allowed by default")
        }
    }

    @Test(".live: --deny-private-webhooks: delivery to a URL that became private is not made; the entry's error says why")
    func deliveryRefused() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            // Set behind the check's back (the operator's CLI, or a DNS answer that changed since).
            try await world.store().updateSettings(
                channelID: "alpha", settings: ChannelSettings(webhookURLs: [hook], guaranteedHooks: false))
            var config = world.configuration(graphURL: "http://127.0.0.1:9")
            config.denyPrivateWebhooks = true
            let app = try await buildApplication(config)
            try await app.test(.live) { client in
                let answer = try await client.postSigned(DeliveryLiveTests.textMessage(id: "wamid.PRIV", text: "Hello"))
                #expect(answer.status == .ok)
                #expect(try await eventually { try await !world.store().deadLetters(limit: 10).isEmpty })
            }
        }
        let dead = try #require(try await world.store().deadLetters(limit: 10).first)
        #expect(dead.attempts == 1)
        #expect(
            dead.lastError?.hasPrefix("the webhook host 127.0.0.1 resolves to a loopback address (127.0.0.1), refused by --deny-private-webhooks")
                == true, "\(dead.lastError ?? "")")
        #expect(receiver.attempts == 0)
    }

    @Test(".live: a fetched URL is connected to at the checked address; the name is resolved once, by the check")
    func fetchPinned() async throws {
        let resolver = RebindingResolver()
        let recorder = HostRecorder()
        try await recorder.run { port in
            let fetcher = RemoteFileFetcher(
                clientConfiguration: HTTPClient.Configuration(),
                addressGuard: AddressGuard(policy: FetchPolicy(allowLoopback: true), resolve: resolver.resolve), timeout: .seconds(5))
            // `.test` names never resolve in real DNS: the download works only if the client used the checked address.
            let file = try await fetcher.fetch("http://files.pinned.test:\(port)/file", field: "url", maxBytes: 1000)
            guard case .spooled(let path, let size) = file.contents else {
                Issue.record("not spooled")
                return
            }
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(size == 6)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "pinned")
            #expect(recorder.seen == ["files.pinned.test:\(port)"], "the Host header keeps the name")
            #expect(resolver.names == ["files.pinned.test"])
            // The next lookup answers a private address: refused, and nothing reaches the server.
            await #expect(throws: ValidationError.self) {
                _ = try await fetcher.fetch("http://files.pinned.test:\(port)/file", field: "url", maxBytes: 1000)
            }
            #expect(recorder.seen.count == 1)
        }
    }

    @Test(".live: under the webhook check a delivery goes to the checked address, resolved once; a rebound name is refused")
    func webhookPinned() async throws {
        let resolver = RebindingResolver()
        let recorder = HostRecorder()
        let guarded = WebhookAddressGuard(checking: AddressGuard(policy: FetchPolicy(allowLoopback: true), resolve: resolver.resolve))
        try await recorder.run { port in
            func post() async throws -> HTTPClientResponse {
                var request = HTTPClientRequest(url: "http://hooks.pinned.test:\(port)/hook")
                request.method = .POST
                request.body = .bytes(ByteBuffer(string: "{}"))
                return try await guarded.execute(request, timeout: .seconds(5), sharedClient: HTTPClient.shared)
            }
            #expect(try await post().status == .ok)
            #expect(recorder.seen == ["hooks.pinned.test:\(port)"])
            #expect(resolver.names == ["hooks.pinned.test"])
            do {
                _ = try await post()
                Issue.record("a rebound name was posted to")
            } catch let refused as WebhookAddressRefused {
                #expect(refused.reason.contains("resolves to a private address (10.255.0.1)"), "\(refused.reason)")
            }
            #expect(recorder.seen.count == 1)
        }
    }
}
