import AsyncHTTPClient
import Cloud
import Foundation
import NIOCore
import Sandbox
import Testing

/// Real HTTP calls to the Cloud API simulator.
struct GraphClient: Sendable {
    struct Reply: Sendable {
        var status: Int
        var bytes: [UInt8]

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]) ?? [:]
        }

        var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    static let alphaAuth = "Bearer \(TestWorld.alpha.accessToken)"
    let base: String

    /// `path` is relative to the simulator unless it is an absolute URL (a `paging.next` link).
    func call(
        _ method: String, _ path: String, authorization: String? = alphaAuth, json: String? = nil, body: [UInt8]? = nil,
        headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: path.hasPrefix("http") ? path : base + path)
        switch method {
        case "POST": request.method = .POST
        case "DELETE": request.method = .DELETE
        default: request.method = .GET
        }
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let collected = try await response.body.collect(upTo: 10 << 20)
        return Reply(status: Int(response.status.code), bytes: Array(buffer: collected))
    }

    /// A resumable upload of `bytes`; returns the handle.
    func upload(_ bytes: [UInt8], type: String, name: String) async throws -> String {
        let session = try await call(
            "POST", "/v23.0/998877/uploads?file_name=\(name)&file_length=\(bytes.count)&file_type=\(type)",
            authorization: "OAuth \(TestWorld.alpha.accessToken)")
        let id = try #require(session.json["id"] as? String, "\(session.text)")
        #expect(id.hasPrefix("upload:") && id.contains("?sig="))
        let finished = try await call(
            "POST", "/v23.0/\(id)", authorization: "OAuth \(TestWorld.alpha.accessToken)", body: bytes,
            headers: [("file_offset", "0")])
        return try #require(finished.json["h"] as? String, "\(finished.text)")
    }
}

@Suite("Cloud API simulator: templates, profile, phone number, commerce, automation, blocking, uploads")
struct SimulatorAccountTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("sandbox logo".utf8) + [0xFF, 0xD9]

    func withGraph(_ body: @Sendable (GraphClient, SimulatorState) async throws -> Void) async throws {
        let world = try await TestWorld.make()
        try await world.withSimulator { base in try await body(GraphClient(base: base), world.simulator) }
    }

    @Test("message_templates pages through 63 templates with limit 25 by following paging.next")
    func templatePaging() async throws {
        try await withGraph { graph, state in
            state.addTemplates(wabaID: "2001", count: 60, prefix: "bulk")
            var url = "/v23.0/2001/message_templates?limit=25"
            var names: [String] = []
            var pages = 0
            while true {
                let page = try await graph.call("GET", url)
                #expect(page.status == 200, "\(page.text)")
                let data = try #require(page.json["data"] as? [[String: Any]])
                names += data.compactMap { $0["name"] as? String }
                for template in data {
                    #expect(template["id"] is String && template["language"] is String && template["components"] is [Any])
                }
                let paging = try #require(page.json["paging"] as? [String: Any])
                let cursors = try #require(paging["cursors"] as? [String: String])
                #expect(cursors["before"] != nil && cursors["after"] != nil)
                pages += 1
                guard let next = paging["next"] as? String else { break }
                #expect(next.hasPrefix(graph.base + "/v23.0/2001/message_templates?") && next.contains("after="))
                url = next
            }
            #expect(pages == 3)
            #expect(names.count == 63)
            #expect(names == state.templateNames(wabaID: "2001"))
            #expect(Set(names).isSuperset(of: (1...60).map { String(format: "bulk_%04d", $0) }))
            #expect(Array(names.prefix(3)) == ["hello_world", "order_update", "promo_blast"])

            let rejected = try await graph.call("GET", "/v23.0/2001/message_templates?name=promo_blast")
            let promo = try #require((rejected.json["data"] as? [[String: Any]])?.first)
            #expect(promo["status"] as? String == "REJECTED")
            #expect(promo["rejected_reason"] as? String == "PROMOTIONAL")
            let bad = try await graph.call("GET", "/v23.0/2001/message_templates?after=garbage")
            #expect(bad.status == 400 && bad.error["code"] as? Int == 100)
        }
    }

    @Test("create a template, list it, a duplicate fails with 2388024, delete by name, 404 the second time")
    func templateLifecycle() async throws {
        try await withGraph { graph, state in
            let body =
                #"{"name":"sandbox_welcome","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"Hi {{1}}","example":{"body_text":[["Ann"]]}},{"type":"FOOTER","text":"Bye"}]}"#
            let created = try await graph.call("POST", "/v23.0/2001/message_templates", json: body)
            #expect(created.status == 200, "\(created.text)")
            #expect(created.json["status"] as? String == "APPROVED")
            #expect(created.json["category"] as? String == "UTILITY")
            let id = try #require(created.json["id"] as? String)
            #expect(id.count == 15)

            let listed = try await graph.call("GET", "/v23.0/2001/message_templates?name=sandbox_welcome&fields=name,status")
            let template = try #require((listed.json["data"] as? [[String: Any]])?.first)
            #expect(template["id"] as? String == id)
            #expect(Set(template.keys) == ["id", "name", "status"])

            let duplicate = try await graph.call("POST", "/v23.0/2001/message_templates", json: body)
            #expect(duplicate.status == 400)
            #expect(duplicate.error["code"] as? Int == 100)
            #expect(duplicate.error["error_subcode"] as? Int == 2388024)
            #expect(duplicate.error["error_user_title"] as? String == "Content in this language already exists")

            let lowercase = try await graph.call(
                "POST", "/v23.0/2001/message_templates",
                json: #"{"name":"lower","language":"en_US","category":"UTILITY","components":[{"type":"body","text":"x"}]}"#)
            #expect(lowercase.status == 400 && (lowercase.error["message"] as? String)?.contains("components[0][type]") == true)
            let noBody = try await graph.call(
                "POST", "/v23.0/2001/message_templates",
                json: #"{"name":"nobody","language":"en_US","category":"MARKETING","components":[{"type":"FOOTER","text":"x"}]}"#)
            #expect(noBody.status == 400 && noBody.error["code"] as? Int == 100)
            let badName = try await graph.call(
                "POST", "/v23.0/2001/message_templates",
                json: #"{"name":"Bad Name","language":"en_US","category":"UTILITY","components":[{"type":"BODY","text":"x"}]}"#)
            #expect(badName.status == 400 && (badName.error["message"] as? String)?.contains("name") == true)

            let deleted = try await graph.call("DELETE", "/v23.0/2001/message_templates?name=sandbox_welcome")
            #expect(deleted.status == 200 && deleted.json["success"] as? Bool == true)
            #expect(!state.templateNames(wabaID: "2001").contains("sandbox_welcome"))
            let again = try await graph.call("DELETE", "/v23.0/2001/message_templates?name=sandbox_welcome")
            #expect(again.status == 404)
            #expect(again.error["code"] as? Int == 100)
            #expect(again.error["message"] as? String == #"(#100) Message template "sandbox_welcome" does not exist"#)
        }
    }

    @Test("a resumable upload's handle sets the profile picture and serves as a template header example")
    func uploadAndProfilePicture() async throws {
        try await withGraph { graph, state in
            let handle = try await graph.upload(Self.jpeg, type: "image/jpeg", name: "logo.jpg")
            let file = try #require(state.uploadedHandle(handle))
            #expect(file.mimeType == "image/jpeg" && file.byteCount == Self.jpeg.count)

            let updated = try await graph.call(
                "POST", "/v23.0/1001/whatsapp_business_profile",
                json: #"{"messaging_product":"whatsapp","about":"Open 9-5","profile_picture_handle":"\#(handle)"}"#)
            #expect(updated.status == 200 && updated.json["success"] as? Bool == true, "\(updated.text)")
            let profile = try await graph.call("GET", "/v23.0/1001/whatsapp_business_profile?fields=about,profile_picture_url")
            let entry = try #require((profile.json["data"] as? [[String: Any]])?.first)
            #expect(entry["messaging_product"] as? String == "whatsapp")
            #expect(entry["about"] as? String == "Open 9-5")
            #expect(entry["vertical"] == nil)
            let pictureURL = try #require(entry["profile_picture_url"] as? String)
            #expect(pictureURL == graph.base + "/profile-pictures/1001.jpg")
            let picture = try await graph.call("GET", pictureURL, authorization: nil)
            #expect(picture.bytes == Self.jpeg)

            let header =
                #"{"name":"with_logo","language":"en_US","category":"MARKETING","components":[{"type":"HEADER","format":"IMAGE","example":{"header_handle":["HANDLE"]}},{"type":"BODY","text":"New stock"}]}"#
            let withHandle = try await graph.call(
                "POST", "/v23.0/2001/message_templates", json: header.replacingOccurrences(of: "HANDLE", with: handle))
            #expect(withHandle.status == 200, "\(withHandle.text)")
            let bogus = try await graph.call(
                "POST", "/v23.0/2001/message_templates", json: header.replacingOccurrences(of: "HANDLE", with: "4::x:y"))
            #expect(bogus.status == 400 && (bogus.error["message"] as? String)?.contains("header_handle") == true)

            let badType = try await graph.call(
                "POST", "/v23.0/998877/uploads?file_length=10&file_type=image/gif", authorization: GraphClient.alphaAuth)
            #expect(badType.status == 400 && badType.error["code"] as? Int == 100)
            let session = try await graph.call("POST", "/v23.0/998877/uploads?file_length=10&file_type=application/pdf")
            let id = try #require(session.json["id"] as? String)
            let short = try await graph.call("POST", "/v23.0/\(id)", body: [1, 2, 3], headers: [("file_offset", "0")])
            #expect(short.status == 400 && short.error["code"] as? Int == 100)
        }
    }

    @Test("business profile defaults, and Meta's checks of vertical, unknown keys and lengths")
    func profileValidation() async throws {
        try await withGraph { graph, _ in
            let profile = try await graph.call("GET", "/v23.0/1001/whatsapp_business_profile")
            let entry = try #require((profile.json["data"] as? [[String: Any]])?.first, "\(profile.text)")
            #expect(entry["about"] as? String == "Sandbox business")
            #expect(entry["vertical"] as? String == "OTHER")
            #expect(entry["websites"] as? [String] == ["https://example.com"])
            #expect(entry["email"] == nil)

            let vertical = try await graph.call(
                "POST", "/v23.0/1001/whatsapp_business_profile", json: #"{"messaging_product":"whatsapp","vertical":"SPACE"}"#)
            #expect(vertical.status == 400 && vertical.error["code"] as? Int == 100)
            #expect((vertical.error["message"] as? String)?.contains("vertical") == true)
            let unknown = try await graph.call(
                "POST", "/v23.0/1001/whatsapp_business_profile", json: #"{"messaging_product":"whatsapp","colour":"red"}"#)
            #expect(unknown.error["message"] as? String == "(#100) Param colour is not valid")
            let long = try await graph.call(
                "POST", "/v23.0/1001/whatsapp_business_profile",
                json: #"{"messaging_product":"whatsapp","about":"\#(String(repeating: "a", count: 140))"}"#)
            #expect(long.status == 400 && (long.error["message"] as? String)?.contains("about") == true)
            let sites = try await graph.call(
                "POST", "/v23.0/1001/whatsapp_business_profile",
                json: #"{"messaging_product":"whatsapp","websites":["ftp://example.com"]}"#)
            #expect(sites.status == 400 && (sites.error["message"] as? String)?.contains("websites") == true)
            let product = try await graph.call("POST", "/v23.0/1001/whatsapp_business_profile", json: #"{"about":"x"}"#)
            #expect(product.status == 400 && (product.error["message"] as? String)?.contains("messaging_product") == true)

            let fine = try await graph.call(
                "POST", "/v23.0/1001/whatsapp_business_profile",
                json: #"{"messaging_product":"whatsapp","vertical":"RETAIL","email":"shop@example.com"}"#)
            #expect(fine.status == 200, "\(fine.text)")
            let after = try await graph.call("GET", "/v23.0/1001/whatsapp_business_profile?fields=vertical,email")
            let changed = try #require((after.json["data"] as? [[String: Any]])?.first)
            #expect(changed["vertical"] as? String == "RETAIL" && changed["email"] as? String == "shop@example.com")
        }
    }

    @Test("commerce settings change through query parameters")
    func commerce() async throws {
        try await withGraph { graph, _ in
            let before = try await graph.call("GET", "/v23.0/1001/whatsapp_commerce_settings")
            let settings = try #require((before.json["data"] as? [[String: Any]])?.first, "\(before.text)")
            #expect(settings["id"] is String)
            #expect(settings["is_cart_enabled"] as? Bool == true && settings["is_catalog_visible"] as? Bool == false)

            let set = try await graph.call("POST", "/v23.0/1001/whatsapp_commerce_settings?is_catalog_visible=true&is_cart_enabled=false")
            #expect(set.status == 200 && set.json["success"] as? Bool == true)
            let after = try await graph.call("GET", "/v23.0/1001/whatsapp_commerce_settings")
            let changed = try #require((after.json["data"] as? [[String: Any]])?.first)
            #expect(changed["is_cart_enabled"] as? Bool == false && changed["is_catalog_visible"] as? Bool == true)
            #expect(changed["id"] as? String == settings["id"] as? String)

            let none = try await graph.call("POST", "/v23.0/1001/whatsapp_commerce_settings")
            #expect(none.status == 400 && none.error["code"] as? Int == 100)
            let bad = try await graph.call("POST", "/v23.0/1001/whatsapp_commerce_settings?is_cart_enabled=yes")
            #expect(bad.status == 400 && (bad.error["message"] as? String)?.contains("is_cart_enabled") == true)
        }
    }

    @Test("block, list with paging, unblock; invalid users fail with 139100")
    func blocking() async throws {
        try await withGraph { graph, state in
            let blocked = try await graph.call(
                "POST", "/v23.0/1001/block_users",
                json: #"{"messaging_product":"whatsapp","block_users":[{"user":"+15551234567"},{"user":"12345678901"},{"user":"abc"}]}"#)
            #expect(blocked.status == 200, "\(blocked.text)")
            #expect(blocked.json["messaging_product"] as? String == "whatsapp")
            let result = try #require(blocked.json["block_users"] as? [String: Any])
            let added = try #require(result["added_users"] as? [[String: String]])
            #expect(added == [["input": "+15551234567", "wa_id": "15551234567"], ["input": "12345678901", "wa_id": "12345678901"]])
            let failed = try #require((result["failed_users"] as? [[String: Any]])?.first)
            #expect(failed["input"] as? String == "abc")
            #expect(((failed["errors"] as? [[String: Any]])?.first)?["code"] as? Int == 139100)
            #expect(state.blockedUsers(phoneNumberID: "1001") == ["15551234567", "12345678901"])

            let first = try await graph.call("GET", "/v23.0/1001/block_users?limit=1")
            #expect((first.json["data"] as? [[String: String]]) == [["messaging_product": "whatsapp", "wa_id": "15551234567"]])
            let next = try #require((first.json["paging"] as? [String: Any])?["next"] as? String)
            let second = try await graph.call("GET", next)
            #expect((second.json["data"] as? [[String: String]])?.first?["wa_id"] == "12345678901")
            #expect((second.json["paging"] as? [String: Any])?["next"] == nil)

            let unblocked = try await graph.call(
                "DELETE", "/v23.0/1001/block_users", json: #"{"messaging_product":"whatsapp","block_users":[{"user":"15551234567"}]}"#)
            let removed = (unblocked.json["block_users"] as? [String: Any])?["removed_users"] as? [[String: String]]
            #expect(removed == [["input": "15551234567", "wa_id": "15551234567"]])
            #expect(state.blockedUsers(phoneNumberID: "1001") == ["12345678901"])

            let allBad = try await graph.call(
                "POST", "/v23.0/1001/block_users", json: #"{"messaging_product":"whatsapp","block_users":[{"user":"12"}]}"#)
            #expect(allBad.status == 400 && allBad.error["code"] as? Int == 139100)
        }
    }

    @Test("phone number and WABA nodes answer the asked fields; automation and status read back")
    func phoneNumberFields() async throws {
        try await withGraph { graph, state in
            let plain = try await graph.call("GET", "/v23.0/1001")
            #expect(plain.status == 200, "\(plain.text)")
            #expect(Set(plain.json.keys) == ["id", "display_phone_number", "verified_name", "quality_rating"])
            #expect(plain.json["display_phone_number"] as? String == "+1 555-000-1001")
            #expect(plain.json["quality_rating"] as? String == "GREEN")

            let chosen = try await graph.call("GET", "/v23.0/1001?fields=status,throughput,account_mode")
            #expect(Set(chosen.json.keys) == ["id", "status", "throughput", "account_mode"])
            #expect(chosen.json["status"] as? String == "CONNECTED")
            #expect((chosen.json["throughput"] as? [String: String]) == ["level": "STANDARD"])
            state.setPhoneStatus(nil, phoneNumberID: "1001")
            let absent = try await graph.call("GET", "/v23.0/1001?fields=status")
            #expect(Set(absent.json.keys) == ["id"])
            state.setPhoneStatus("FLAGGED", phoneNumberID: "1001")
            let flagged = try await graph.call("GET", "/v23.0/1001?fields=status")
            #expect(flagged.json["status"] as? String == "FLAGGED")

            let automation = try await graph.call(
                "POST", "/v23.0/1001/conversational_automation",
                json:
                    #"{"enable_welcome_message":true,"prompts":["Track my order"],"commands":[{"command_name":"help","command_description":"Get help"}]}"#
            )
            #expect(automation.status == 200 && automation.json["success"] as? Bool == true, "\(automation.text)")
            let read = try await graph.call("GET", "/v23.0/1001?fields=conversational_automation")
            let settings = try #require(read.json["conversational_automation"] as? [String: Any])
            #expect(settings["enable_welcome_message"] as? Bool == true)
            #expect(settings["prompts"] as? [String] == ["Track my order"])
            #expect((settings["commands"] as? [[String: String]])?.first?["command_name"] == "help")
            let tooMany = try await graph.call(
                "POST", "/v23.0/1001/conversational_automation", json: #"{"prompts":["a","b","c","d","e"]}"#)
            #expect(tooMany.status == 400 && (tooMany.error["message"] as? String)?.contains("prompts") == true)

            let unknownField = try await graph.call("GET", "/v23.0/1001?fields=colour")
            #expect(unknownField.status == 400 && unknownField.error["code"] as? Int == 100)

            let waba = try await graph.call("GET", "/v23.0/2001?fields=message_template_namespace,name")
            #expect(waba.json["id"] as? String == "2001")
            #expect(waba.json["message_template_namespace"] as? String == "sandbox_2001")
            #expect(waba.json["name"] as? String == "Sandbox WABA")
            #expect(Set(waba.json.keys) == ["id", "message_template_namespace", "name"])
        }
    }

    @Test("wrong tokens get 401 (190), unknown ids 400 (100); requests are recorded with their query; scripts win")
    func authorizationAndRecording() async throws {
        try await withGraph { graph, state in
            let wrong = try await graph.call("GET", "/v23.0/1001/whatsapp_business_profile", authorization: "Bearer nope")
            #expect(wrong.status == 401 && wrong.error["code"] as? Int == 190)
            let otherNumber = try await graph.call(
                "GET", "/v23.0/2001/message_templates", authorization: "Bearer \(TestWorld.beta.accessToken)")
            #expect(otherNumber.status == 401 && otherNumber.error["code"] as? Int == 190)
            let betaOwn = try await graph.call(
                "GET", "/v23.0/2002/message_templates", authorization: "Bearer \(TestWorld.beta.accessToken)")
            #expect(betaOwn.status == 200)
            let noUpload = try await graph.call("POST", "/v23.0/998877/uploads?file_length=3&file_type=image/png", authorization: nil)
            #expect(noUpload.status == 401 && noUpload.error["code"] as? Int == 190)

            let unknown = try await graph.call("GET", "/v23.0/424242/block_users")
            #expect(unknown.status == 400 && unknown.error["code"] as? Int == 100)
            #expect(
                unknown.error["message"] as? String
                    == "(#100) Unsupported get request. Object with ID '424242' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
            )
            let unknownWABA = try await graph.call("POST", "/v23.0/424242/message_templates", json: "{}")
            #expect((unknownWABA.error["message"] as? String)?.hasPrefix("(#100) Unsupported post request.") == true)

            let recorded = try #require(state.requests.last)
            #expect(recorded.method == "POST" && recorded.path == "/v23.0/424242/message_templates" && recorded.query.isEmpty)
            _ = try await graph.call("GET", "/v23.0/2001/message_templates?limit=5&name=hello_world")
            #expect(state.requests.last?.query == "limit=5&name=hello_world")
            #expect(state.requests.last?.path == "/v23.0/2001/message_templates")

            state.probe?.scriptNext(.error(httpStatus: 503, CloudError(code: 2, message: "(#2) Service temporarily unavailable")))
            let scripted = try await graph.call("GET", "/v23.0/1001/whatsapp_commerce_settings")
            #expect(scripted.status == 503 && scripted.error["code"] as? Int == 2)

            let media = try await graph.call("GET", "/v23.0/555000?phone_number_id=1001")
            #expect(media.status == 404)
        }
    }
}
