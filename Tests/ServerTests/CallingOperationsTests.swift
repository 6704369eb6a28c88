import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

@Suite("Calling and the business key: the simulator over real HTTP, and Meta's refusals through the fake")
struct CallingOperationsTests {
    static let offer = #"{"sdp_type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}"#

    @Test(".live: a call needs calling enabled; then connect gives a call id and terminate ends that call")
    func callLifecycle() async throws {
        let world = try await TestWorld.make()
        let connect = #"{"messaging_product": "whatsapp", "action": "connect", "to": "12020721369", "session": \#(Self.offer)}"#
        let refused = try await AccountOperationsTests.send(.post, "initiateCall", body: connect, in: world)
        #expect(refused.status == .ok)
        let error = try #require((refused.json["response"] as? [String: String])?["error"])
        #expect(error.contains("138000"), "\(error)")

        let enabled = try await AccountOperationsTests.send(.post, "callingSettings", body: #"{"status": "enabled"}"#, in: world)
        #expect(enabled.json["success"] as? Bool == true, "\(enabled.text)")
        let settings = try await AccountOperationsTests.send(.get, "callingSettings", in: world)
        #expect((settings.json["calling"] as? [String: Any])?["status"] as? String == "ENABLED", "\(settings.text)")

        let started = try await AccountOperationsTests.send(.post, "initiateCall", body: connect, in: world)
        let callID = try #require((started.json["calls"] as? [[String: String]])?.first?["id"], "\(started.text)")
        #expect(callID.hasPrefix("wacid."))
        #expect(started.json["success"] as? Bool == true)
        let ended = try await AccountOperationsTests.send(
            .post, "initiateCall", body: #"{"action": "terminate", "call_id": "\#(callID)"}"#, in: world)
        #expect(ended.json["success"] as? Bool == true, "\(ended.text)")
        let again = try await AccountOperationsTests.send(
            .post, "initiateCall", body: #"{"action": "terminate", "call_id": "\#(callID)"}"#, in: world)
        let gone = try #require((again.json["response"] as? [String: String])?["error"], "\(again.text)")
        #expect(gone.contains("138006"))
    }

    @Test(".live: the business key set is the key read back, with Meta's signature status")
    func encryptionRoundTrip() async throws {
        let world = try await TestWorld.make()
        let set = try await AccountOperationsTests.send(
            .post, "whatsapp_business_encryption", body: #"{"business_public_key": "\#(TestKeys.rsa2048JSON)"}"#, in: world)
        #expect(set.json["success"] as? Bool == true, "\(set.text)")
        let posted = try #require(world.simulator.requests.last { $0.method == "POST" })
        #expect(String(decoding: posted.body, as: UTF8.self).contains(#"Content-Disposition: form-data; name="business_public_key""#))
        let get = try await AccountOperationsTests.send(.get, "whatsapp_business_encryption", in: world)
        #expect(get.json["business_public_key"] as? String == TestKeys.rsa2048, "\(get.text)")
        #expect(get.json["business_public_key_signature_status"] as? String == "VALID")
    }

    @Test("Meta refuses a call action → HTTP 200 with 1MSG's legacy wrapper carrying Meta's code; bad input sends nothing")
    func callRefusal() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.onCallAction = { _ in .failure(.meta(138001, "Receiver is unavailable")) }
        let response = try await AccountOperationsTests.send(
            .post, "initiateCall", body: #"{"action": "reject", "call_id": "wacid.X"}"#, in: world, graph: graph)
        #expect(response.status == .ok)
        let error = try #require((response.json["response"] as? [String: String])?["error"])
        #expect(error.contains("138001") && error.contains("Receiver is unavailable"), "\(error)")
        #expect(graph.log.all.first?.json == ["messaging_product": "whatsapp", "action": "reject", "call_id": "wacid.X"])

        let invalid = try await AccountOperationsTests.send(.post, "initiateCall", body: #"{"action": "reject"}"#, in: world, graph: graph)
        #expect(invalid.status == .badRequest)
        #expect(graph.log.all.count == 1)
    }
}
