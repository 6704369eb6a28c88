import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Store
import Testing

@Suite("GET /messages and GET /hookInfo")
struct HistoryTests {
    @Test("history holds inbound and sent messages, numbered per channel, with 1MSG's filters; hookInfo lists statuses")
    func history() async throws {
        let world = try await TestWorld.make()
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let token = TestWorld.alphaToken
                for index in 1...3 {
                    let answer = try await client.postSigned(
                        DeliveryLiveTests.textMessage(id: "wamid.H\(index)", text: "in \(index)", timestamp: "\(1_700_000_000 + index)"))
                    #expect(answer.status == .ok)
                }
                let sent = try await client.post("/alpha/sendMessage?token=\(token)", "phone=441234567890&body=out")
                let wamid = try #require(sent.json["id"] as? String)
                let ack = try await client.postSigned(DeliveryLiveTests.status(id: wamid, "delivered"))
                #expect(ack.status == .ok)

                let all = try await client.execute(uri: "/alpha/messages?token=\(token)", method: .get).json["messages"] as? [[String: Any]]
                #expect(all?.compactMap { $0["messageNumber"] as? Int } == [1, 2, 3, 4])
                #expect(all?.first?["isForwarded"] as? Int == 0)
                #expect(all?.first?["self"] as? Int == 0)
                #expect(all?.last?["fromMe"] as? Bool == true)
                #expect(all?.last?["self"] as? Int == 1)

                let after =
                    try await client.execute(uri: "/messages?token=\(token)&lastMessageNumber=2", method: .get).json["messages"] as? [[String: Any]]
                #expect(after?.compactMap { $0["messageNumber"] as? Int } == [3, 4])
                let last =
                    try await client.execute(uri: "/alpha/messages?token=\(token)&last=True&limit=2", method: .get).json["messages"]
                    as? [[String: Any]]
                #expect(last?.compactMap { $0["messageNumber"] as? Int } == [4, 3])
                let chat =
                    try await client.execute(uri: "/alpha/messages?token=\(token)&chatId=441234567890%40c.us&limit=0", method: .get).json["messages"]
                    as? [[String: Any]]
                #expect(chat?.compactMap { $0["body"] as? String } == ["out"])
                let timed =
                    try await client.execute(uri: "/alpha/messages?token=\(token)&min_time=1700000002&max_time=1700000003", method: .get).json[
                        "messages"] as? [[String: Any]]
                #expect(timed?.compactMap { $0["id"] as? String } == ["wamid.H2", "wamid.H3"])
                let bad = try await client.execute(uri: "/alpha/messages?token=\(token)&limit=-1", method: .get)
                #expect(bad.status == .badRequest)

                let hooks =
                    try await client.execute(uri: "/alpha/hookInfo?token=\(token)&messageId=\(wamid)", method: .get).json["hooks"] as? [[String: Any]]
                #expect(hooks?.first?["status"] as? String == "delivered")
                #expect(hooks?.first?["id"] as? String == wamid)
                #expect(hooks?.first?["timestamp"] as? String == "1700000001")
                #expect(hooks?.first?["recipient_id"] as? String == "12020721369")
                let missing = try await client.execute(uri: "/alpha/hookInfo?token=\(token)", method: .get)
                #expect(missing.status == .badRequest)
            }
        }
    }

    @Test("1MSG's SDKs send every integer filter, 0 for those not in use, and the token as a header: 0 is not set")
    func sdkZeroFilters() async throws {
        let world = try await TestWorld.make(.memory)
        for index in 1...3 {
            try await world.store().recordMessage(
                StoredMessage(
                    channelID: "alpha", id: "wamid.Z\(index)", chatID: "12020721369@c.us", fromMe: false, type: "chat", body: "in \(index)",
                    quotedMsgID: nil, time: Date(timeIntervalSince1970: TimeInterval(1_700_000_000 + index))),
                events: [])
        }
        let app = try await world.bridge(graph: FakeGraphAPI())
        try await app.test(.router) { client in
            func numbers(_ query: String, headers: HTTPFields = [:]) async throws -> [Int]? {
                let response = try await client.execute(uri: "/alpha/messages?\(query)", method: .get, headers: headers)
                #expect(response.status == .ok, "\(query): \(response.text)")
                return (response.json["messages"] as? [[String: Any]])?.compactMap { $0["messageNumber"] as? Int }
            }
            // Exactly what the SDK sends: the token as a header, every filter in the query.
            let sdk = try await numbers(
                "last=1&lastMessageNumber=0&firstMessageNumber=0&limit=100&min_time=0&max_time=0",
                headers: [HTTPField.Name("token")!: TestWorld.alphaToken])
            #expect(sdk == [3, 2, 1])
            let sdkWithQueryToken = try await numbers(
                "token=\(TestWorld.alphaToken)&last=1&lastMessageNumber=0&firstMessageNumber=0&limit=100&min_time=0&max_time=0")
            #expect(sdkWithQueryToken == [3, 2, 1])
            let token = "token=\(TestWorld.alphaToken)"
            for zero in ["lastMessageNumber=0", "firstMessageNumber=0", "min_time=0", "max_time=0", "limit=0"] {
                #expect(try await numbers("\(token)&\(zero)") == [1, 2, 3], "\(zero)")
            }
            #expect(try await numbers("\(token)&min_time=0&max_time=1700000002") == [1, 2], "a bound that is set still filters")
            #expect(try await numbers("\(token)&lastMessageNumber=1&firstMessageNumber=0") == [2, 3])
        }
    }
}
