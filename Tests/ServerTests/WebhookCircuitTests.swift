import Delivery
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Store
import Testing

/// Client webhook receivers that fail: backed off as a whole while they are down, resumed in order when they are back,
/// redirects never followed.
@Suite("Webhook receivers that fail")
struct WebhookCircuitTests {
    @Test(".live: a receiver that keeps failing is backed off as a whole; once it is back, the waiting events go out in order")
    func circuitOpensAndResumes() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        receiver.fail(with: .serviceUnavailable)
        try await receiver.run { hook in
            try await DeliveryLiveTests.configure(world, hook: hook)
            var config = world.configuration(graphURL: "http://127.0.0.1:9")
            DeliveryLiveTests.fastRetries(&config)
            config.retryPolicy.maxDelay = .milliseconds(100)
            var circuit = CircuitBreakerPolicy()
            circuit.failureThreshold = 3
            circuit.firstCoolDown = .seconds(3)
            config.webhookCircuit = circuit
            let app = try await buildApplication(config)
            try await app.test(.live) { client in
                for index in 0..<6 {
                    let chat = "1202072100\(index % 3)"
                    let answer = try await client.postSigned(
                        DeliveryLiveTests.textMessage(id: "wamid.CIRCUIT\(index)", from: chat, text: "m\(index)"))
                    #expect(answer.status == .ok)
                }
                // Instead of retrying every 50 ms, every event that failed waits for the circuit's probe.
                let store = world.store()
                #expect(
                    try await eventually {
                        let tried = try await store.pendingOutboxEntries().filter { $0.attempts > 0 }
                        return !tried.isEmpty && tried.allSatisfy { $0.lastError?.contains("backed off") == true }
                    })
                // At least the 3 that opened the circuit (more when attempts were under way at once, or a probe failed);
                // from then on nothing goes out until the next probe.
                let failedAttempts = receiver.attempts
                #expect(failedAttempts >= 3)

                receiver.fail(with: nil)
                #expect(await eventually(seconds: 20) { receiver.delivered.count == 6 })
                #expect(receiver.attempts == failedAttempts + 6, "no failure after those, then each event once (the probe first)")
            }
        }
        let bodies = receiver.items("messages").map { ($0["chatId"] as? String ?? "", $0["body"] as? String ?? "") }
        for chat in Set(bodies.map(\.0)) {
            let order = bodies.filter { $0.0 == chat }.map(\.1)
            #expect(order == order.sorted(), "in order per chat: \(order)")
        }
    }

    @Test(".live: a receiver's redirect is not followed: the event becomes a dead letter saying why")
    func redirectNotFollowed() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        receiver.fail(with: .found)
        try await receiver.run { hook in
            try await DeliveryLiveTests.configure(world, hook: hook)
            let app = try await buildApplication(world.configuration(graphURL: "http://127.0.0.1:9"))
            try await app.test(.live) { client in
                let answer = try await client.postSigned(DeliveryLiveTests.textMessage(id: "wamid.REDIRECT", text: "hi"))
                #expect(answer.status == .ok)
                #expect(try await eventually { try await world.store().deadLetters(limit: 10).count == 1 })
            }
        }
        let dead = try #require(try await world.store().deadLetters(limit: 10).first)
        #expect(dead.lastError?.contains("redirects are not followed") == true, "\(dead.lastError ?? "")")
        #expect(receiver.attempts == 1)
    }
}
