import Foundation
import Sandbox
import Testing

@Suite("Cloud API simulator: groups")
struct SimulatorGroupTests {
    /// The headers of a baseline JPEG of `side`×`height` pixels (start-of-frame only: what Meta's size checks read).
    static func jpeg(side: Int, height: Int? = nil) -> [UInt8] {
        let rows = height ?? side
        return [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46, 0xFF, 0xC0, 0x00, 0x11, 0x08]
            + [UInt8(rows >> 8), UInt8(rows & 0xFF), UInt8(side >> 8), UInt8(side & 0xFF)]
            + [0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]
    }

    func withGraph(_ body: @Sendable (GraphClient, SimulatorState) async throws -> Void) async throws {
        let world = try await TestWorld.make()
        try await world.withSimulator { base in try await body(GraphClient(base: base), world.simulator) }
    }

    @Test("a created group is listed with Meta's data.groups shape and paged by cursors both ways")
    func createAndList() async throws {
        try await withGraph { graph, state in
            for index in 1...3 {
                let created = try await graph.call(
                    "POST", "/v23.0/1001/groups", json: #"{"messaging_product": "whatsapp", "subject": " Group \#(index) "}"#)
                #expect(created.status == 200, "\(created.text)")
                #expect((created.json["request_id"] as? String)?.count == 32 && created.json["messaging_product"] as? String == "whatsapp")
            }
            let first = try await graph.call("GET", "/v23.0/1001/groups?limit=2")
            let groups = (first.json["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
            #expect(groups.map { $0["subject"] as? String } == ["Group 1", "Group 2"], "\(first.text)")
            #expect(groups.allSatisfy { ($0["id"] as? String)?.hasPrefix("Y2FwaV9ncm91cDo") == true })
            let paging = try #require(first.json["paging"] as? [String: Any])
            let next = try #require(paging["next"] as? String)
            let second = try await graph.call("GET", next)
            let rest = (second.json["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
            #expect(rest.map { $0["subject"] as? String } == ["Group 3"])
            let before = try #require(((second.json["paging"] as? [String: Any])?["cursors"] as? [String: Any])?["before"] as? String)
            let back = try await graph.call("GET", "/v23.0/1001/groups?limit=1&before=\(before)")
            #expect(((back.json["data"] as? [String: Any])?["groups"] as? [[String: Any]])?.first?["subject"] as? String == "Group 2")
            #expect(state.groupIDs(of: "1002").isEmpty, "another number has no groups")
        }
    }

    @Test("after the reply to a creation, a signed group_lifecycle_update webhook (group_create) names the new group and the request id")
    func creationWebhook() async throws {
        let world = try await TestWorld.make()
        let receiver = WebhookReceiver()
        try await receiver.run { hook in
            world.simulator.setWebhookURL(hook)
            try await world.withSimulator { base in
                let graph = GraphClient(base: base)
                let created = try await graph.call(
                    "POST", "/v23.0/1001/groups", json: #"{"messaging_product": "whatsapp", "subject": "Sales", "description": "Deals"}"#)
                let requestID = try #require(created.json["request_id"] as? String, "\(created.text)")
                #expect(try await eventually { !receiver.delivered.isEmpty })
                let payload = try #require(try JSONSerialization.jsonObject(with: Data(receiver.delivered[0].utf8)) as? [String: Any])
                let change = try #require(((payload["entry"] as? [[String: Any]])?.first?["changes"] as? [[String: Any]])?.first)
                #expect(change["field"] as? String == "group_lifecycle_update")
                let value = try #require(change["value"] as? [String: Any])
                #expect((value["metadata"] as? [String: Any])?["phone_number_id"] as? String == "1001")
                let event = try #require((value["groups"] as? [[String: Any]])?.first)
                #expect(event["type"] as? String == "group_create" && event["request_id"] as? String == requestID)
                #expect(event["subject"] as? String == "Sales" && event["description"] as? String == "Deals")
                #expect(event["group_id"] as? String == world.simulator.groupIDs(of: "1001").first)
            }
        }
    }

    @Test("Meta's refusals: bad bodies (100), an unknown or foreign group (131041), a bad picture (131209, 131210), a bad token (190)")
    func refusals() async throws {
        try await withGraph { graph, state in
            let id = "Y2FwaV9ncm91cDoxNTU1MDAwMTAwMToxMjAzNjM5OTk5OTk5OTk5OTk"
            state.addGroup(id: id, phoneNumberID: "1001")
            var reply = try await graph.call("POST", "/v23.0/1001/groups", json: #"{"messaging_product": "whatsapp"}"#)
            #expect(reply.status == 400 && reply.error["code"] as? Int == 100, "\(reply.text)")
            reply = try await graph.call("GET", "/v23.0/1001/groups?limit=1025")
            #expect(reply.status == 400 && reply.error["code"] as? Int == 100, "\(reply.text)")
            reply = try await graph.call("GET", "/v23.0/Y2FwaV9ncm91cDoxNTU1MDAwMTAwMTpub25l")
            #expect(reply.status == 400 && reply.error["code"] as? Int == 131041, "\(reply.text)")
            reply = try await graph.call("GET", "/v23.0/\(id)", authorization: "Bearer \(TestWorld.beta.accessToken)")
            #expect(reply.status == 400 && reply.error["code"] as? Int == 131041, "another number's token: \(reply.text)")
            reply = try await graph.call("DELETE", "/v23.0/\(id)", authorization: "Bearer nope")
            #expect(reply.status == 401 && reply.error["code"] as? Int == 190, "\(reply.text)")
            for (picture, code) in [(Self.jpeg(side: 300, height: 200), 131209), (Self.jpeg(side: 100), 131210)] {
                let boundary = "b0undary"
                var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"messaging_product\"\r\n\r\nwhatsapp\r\n".utf8)
                body += Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"g.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
                body += picture + Array("\r\n--\(boundary)--\r\n".utf8)
                reply = try await graph.call(
                    "POST", "/v23.0/\(id)", body: body, headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")])
                #expect(reply.status == 400 && reply.error["code"] as? Int == code, "\(reply.text)")
            }
            reply = try await graph.call("DELETE", "/v23.0/0")
            #expect(reply.status == 404 && reply.error["code"] as? Int == 100, "an id that is no group: \(reply.text)")
            reply = try await graph.call("GET", "/v23.0/\(id)?fields=subject,secret")
            #expect(reply.status == 400 && reply.error["code"] as? Int == 100, "\(reply.text)")
        }
    }

    @Test("settings, invite links and deletion change the group as Meta shows it")
    func changes() async throws {
        try await withGraph { graph, state in
            let id = "Y2FwaV9ncm91cDoxNTU1MDAwMTAwMToxMjAzNjM4ODg4ODg4ODg4ODg"
            state.addGroup(id: id, phoneNumberID: "1001", subject: "Old")
            var reply = try await graph.call(
                "POST", "/v23.0/\(id)", json: #"{"messaging_product": "whatsapp", "subject": "New", "description": "About"}"#)
            #expect(reply.status == 200 && reply.json["success"] as? Bool == true, "\(reply.text)")
            reply = try await graph.call("GET", "/v23.0/\(id)?fields=subject,description,participants,join_approval_mode")
            #expect(reply.json["subject"] as? String == "New" && reply.json["description"] as? String == "About", "\(reply.text)")
            #expect(reply.json["participants"] as? [Any] != nil && reply.json["join_approval_mode"] as? String == "auto_approve")
            let link = try await graph.call("GET", "/v23.0/\(id)/invite_link")
            let reset = try await graph.call("POST", "/v23.0/\(id)/invite_link", json: #"{"messaging_product": "whatsapp"}"#)
            let old = try #require(link.json["invite_link"] as? String)
            let new = try #require(reset.json["invite_link"] as? String)
            #expect(old.hasPrefix("https://chat.whatsapp.com/") && new.hasPrefix("https://chat.whatsapp.com/") && old != new)
            reply = try await graph.call("DELETE", "/v23.0/\(id)")
            #expect(reply.status == 200 && reply.json["success"] as? Bool == true)
            #expect(state.groupIDs(of: "1001").isEmpty)
            reply = try await graph.call("GET", "/v23.0/\(id)/invite_link")
            #expect(reply.status == 400 && reply.error["code"] as? Int == 131041, "\(reply.text)")
        }
    }
}
