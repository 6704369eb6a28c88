import Hummingbird
import HummingbirdTesting
import Server
import Testing

@Suite("GET /outputIP: the address the bridge's requests leave from")
struct OutputIPTests {
    @Test("GET /outputIP without --egress-ip answers the address the probe finds, or 503 saying what to set; --egress-ip wins")
    func outputIP() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        func outputIP(egress: EgressAddressProbe, configure: (inout BridgeConfiguration) -> Void = { _ in }) async throws -> TestResponse {
            let app = try await world.bridge(graph: graph, egress: egress, configure: configure)
            return try await app.test(.router) { client in
                try await client.execute(uri: "/alpha/outputIP?token=\(TestWorld.alphaToken)", method: .get)
            }
        }
        let found = try await outputIP(egress: .fixed("192.0.2.2"))
        #expect(found.status == .ok)
        #expect(found.json["result"] as? String == "192.0.2.2")

        let lost = try await outputIP(egress: .failing("graph.facebook.com could not be resolved: Name or service not known"))
        #expect(lost.status == .serviceUnavailable)
        let error = try #require(lost.json["error"] as? String)
        #expect(error.contains("could not be found (graph.facebook.com could not be resolved: Name or service not known)"), "\(error)")
        #expect(error.contains("--egress-ip"), "\(error)")

        let configured = try await outputIP(egress: .unexpected) { $0.egressIP = "203.0.113.7" }
        #expect(configured.json["result"] as? String == "203.0.113.7")
        #expect(graph.log.all.isEmpty)
    }

    @Test(".live: the live egress probe finds the local address of the route to the Graph host, or says why not")
    func egressRoute() async throws {
        #expect(try await EgressAddressProbe.route(toward: "http://127.0.0.1:9").find().get() == "127.0.0.1")
        #expect(try await EgressAddressProbe.route(toward: "https://127.0.0.1").find().get() == "127.0.0.1")
        switch await EgressAddressProbe.route(toward: "http://[::1]:9").find() {
        case .success(let address): #expect(address == "::1")
        // A machine without IPv6 has no route to ::1, but the literal itself is read without its brackets.
        case .failure(let unknown): #expect(unknown.reason.hasPrefix("no route to ::1"), "\(unknown.reason)")
        }
        guard case .failure(let unknown) = await EgressAddressProbe.route(toward: "graph").find() else {
            Issue.record("a Graph URL without a host has no route")
            return
        }
        #expect(unknown.reason == "the Graph URL graph names no host")
    }
}
