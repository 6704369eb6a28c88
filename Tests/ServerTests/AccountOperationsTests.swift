import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Sandbox
import Server
import Store
import Testing
import Translation

/// One account operation: a valid request, the Graph call it must make, and what its reply must hold.
struct AccountOperationCase: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    var operation: String
    var body: String?
    /// `METHOD path` of the Graph call (the first, when there are two).
    var upstream: String
    /// How many Graph calls the operation makes (each gets a scripted refusal in the refusal test).
    var calls = 1
    /// What a good reply looks like, given its JSON text.
    var check: @Sendable (Any) -> Bool
    /// The HTTP status when Meta refuses (`.ok` for operations that wrap or absorb Meta's errors).
    var refusedStatus: HTTPResponse.Status = .badGateway

    var testDescription: String { "\(method) \(operation)" }

    static func object(_ value: Any) -> [String: Any] { value as? [String: Any] ?? [:] }

    static let all: [AccountOperationCase] = [
        .init(
            method: .get, operation: "me", upstream: "GET /v23.0/1001/whatsapp_business_profile", calls: 2,
            check: {
                object($0)["about"] as? String == "Sandbox business" && object($0)["vertical"] as? String == "Other"
                    && object($0)["phone"] as? String == "15550001001"
            }),
        .init(
            method: .post, operation: "me", body: #"{"about": "Open 9 to 5", "vertical": "Shopping and Retail"}"#,
            upstream: "POST /v23.0/1001/whatsapp_business_profile", check: { object($0)["result"] as? String == "success" }),
        .init(
            method: .get, operation: "status", upstream: "GET /v23.0/1001",
            check: { object($0)["status"] as? String == "connected" && object($0)["accountStatus"] as? String == "CONNECTED" },
            refusedStatus: .ok),
        .init(
            method: .get, operation: "commerce", upstream: "GET /v23.0/1001/whatsapp_commerce_settings",
            check: { ($0 as? [[String: Any]])?.first?["is_cart_enabled"] is Bool }),
        .init(
            method: .post, operation: "commerce", body: #"{"params": {"is_cart_enabled": false, "is_catalog_visible": true}}"#,
            upstream: "POST /v23.0/1001/whatsapp_commerce_settings", check: { object($0)["success"] as? Bool == true }),
        .init(
            method: .post, operation: "blockUser", body: #"{"phone": 12020721369}"#, upstream: "POST /v23.0/1001/block_users",
            check: { object($0)["result"] as? String == "success" }),
        .init(
            method: .post, operation: "unblockUser", body: #"{"chatId": "12020721369@c.us"}"#,
            upstream: "DELETE /v23.0/1001/block_users", check: { object($0)["result"] as? String == "success" }),
        .init(
            method: .get, operation: "blockedUsers", upstream: "GET /v23.0/1001/block_users",
            check: { object($0)["blockedUsers"] is [Any] }),
        .init(
            method: .get, operation: "mmLiteStatus", upstream: "GET /v23.0/2001",
            check: { object($0)["available"] as? Bool == true && object($0)["status"] as? String == "ONBOARDED" }),
        .init(
            method: .get, operation: "conversationalAutomation", upstream: "GET /v23.0/1001",
            check: { object($0)["enable_welcome_message"] as? Bool == false && object($0)["prompts"] is [String] }),
        .init(
            method: .post, operation: "conversationalAutomation", body: #"{"enable_welcome_message": true, "prompts": ["Track my order"]}"#,
            upstream: "POST /v23.0/1001/conversational_automation", check: { object($0)["success"] as? Bool == true },
            refusedStatus: .ok),
        .init(
            method: .get, operation: "callingSettings", upstream: "GET /v23.0/1001/settings",
            check: { (object($0)["calling"] as? [String: Any])?["status"] as? String == "DISABLED" }),
        .init(
            method: .post, operation: "callingSettings", body: #"{"calling": {"status": "ENABLED"}}"#,
            upstream: "POST /v23.0/1001/settings", check: { object($0)["success"] as? Bool == true }, refusedStatus: .ok),
        .init(
            method: .get, operation: "whatsapp_business_encryption", upstream: "GET /v23.0/1001/whatsapp_business_encryption",
            check: { object($0)["data"] as? [Any] != nil }),
        .init(
            method: .post, operation: "whatsapp_business_encryption", body: #"{"business_public_key": "\#(TestKeys.rsa2048JSON)"}"#,
            upstream: "POST /v23.0/1001/whatsapp_business_encryption", check: { object($0)["success"] as? Bool == true }),
        .init(
            method: .get, operation: "templates", upstream: "GET /v23.0/2001/message_templates", calls: 2,
            check: { (object($0)["total"] as? Int ?? 0) >= 2 && object($0)["templates"] is [Any] }),
        .init(
            method: .post, operation: "addTemplate",
            body:
                #"{"name": "order_ready", "category": "TRANSACTIONAL", "language": "en_US", "components": [{"type": "body", "text": "Order {{1}} is ready", "example": {"body_text": [["A-1"]]}}]}"#,
            upstream: "POST /v23.0/2001/message_templates",
            check: { object($0)["category"] as? String == "UTILITY" && object($0)["status"] as? String == "approved" && object($0)["id"] is String }),
        .init(
            method: .post, operation: "removeTemplate", body: #"{"name": "hello_world"}"#,
            upstream: "DELETE /v23.0/2001/message_templates", check: { object($0)["result"] as? String == "success" }),
    ]
}

@Suite("Account operations: router tests with a fake Graph API, .live ones with the simulator")
struct AccountOperationsTests {
    /// Sends one request to channel alpha through the router, with `graph` in place of Meta (no sockets).
    static func send(
        _ method: HTTPRequest.Method, _ operation: String, body: String? = nil, in world: TestWorld, graph: FakeGraphAPI,
        configure: (inout BridgeConfiguration) -> Void = { _ in }
    ) async throws -> TestResponse {
        let app = try await world.bridge(graph: graph, configure: configure)
        return try await app.test(.router) { client in
            try await client.execute(
                uri: "/alpha/\(operation)\(operation.contains("?") ? "&" : "?")token=\(TestWorld.alphaToken)", method: method,
                headers: [.contentType: "application/json"], body: body.map { ByteBuffer(string: $0) })
        }
    }

    /// Sends one request to channel alpha over real HTTP, with the simulator upstream over real sockets.
    static func send(
        _ method: HTTPRequest.Method, _ operation: String, body: String? = nil, in world: TestWorld,
        configure: @Sendable (inout BridgeConfiguration) -> Void = { _ in }
    ) async throws -> TestResponse {
        try await world.withSimulator { graphURL in
            var config = world.configuration(graphURL: graphURL)
            configure(&config)
            let app = try await buildApplication(config)
            return try await app.test(.live) { client in
                try await client.execute(
                    uri: "/alpha/\(operation)\(operation.contains("?") ? "&" : "?")token=\(TestWorld.alphaToken)", method: method,
                    headers: [.contentType: "application/json"], body: body.map { ByteBuffer(string: $0) })
            }
        }
    }

    static func json(_ response: TestResponse) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) ?? [:]
    }

    @Test(".live: valid → the Graph call and a reply in the shape the SDKs decode", arguments: AccountOperationCase.all)
    func success(_ operation: AccountOperationCase) async throws {
        let world = try await TestWorld.make()
        let response = try await Self.send(operation.method, operation.operation, body: operation.body, in: world)
        #expect(response.status == .ok, "\(response.text)")
        #expect(operation.check(Self.json(response)), "\(response.text)")
        let calls = world.simulator.requests.map { "\($0.method) \($0.path)" }
        #expect(calls.contains(operation.upstream), "\(calls)")
        for request in world.simulator.requests {
            #expect(request.authorization == "Bearer \(TestWorld.alpha.accessToken)")
        }
    }

    @Test("Meta refuses → Meta's code and advice, never a 500", arguments: AccountOperationCase.all)
    func refusal(_ operation: AccountOperationCase) async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI.refusingEverything(with: .meta(190, "Error validating access token", httpStatus: 401))
        let response = try await Self.send(operation.method, operation.operation, body: operation.body, in: world, graph: graph)
        #expect(graph.log.all.count == operation.calls, "\(graph.log.operations)")
        #expect(response.status == operation.refusedStatus, "\(response.text)")
        #expect(response.text.contains("190: The channel's Meta access token has expired or is invalid"), "\(response.text)")
        #expect(!response.text.contains("fbtrace"))
    }

    @Test(
        "invalid → 400 naming the field and the rule; nothing goes upstream",
        arguments: [
            ("me", #"{"about": "\#(String(repeating: "x", count: 140))"}"#, "about: must be at most 139 characters"),
            ("me", #"{"vertical": "Spaceships"}"#, "vertical: must be one of Automotive;"),
            ("commerce", #"{"params": {"is_cart_enabled": "maybe"}}"#, "params.is_cart_enabled: must be a boolean"),
            ("blockUser", #"{}"#, "phone"),
            ("unblockUser", #"{"chatId": "123@g.us"}"#, "groups cannot be blocked"),
            ("conversationalAutomation", #"{"prompts": ["a", "b", "c", "d"]}"#, "prompts: must have at most 3 items"),
            (
                "addTemplate", #"{"name": "x", "category": "NEWS", "language": "en", "components": [{"type": "BODY", "text": "b"}]}"#,
                "category: must be MARKETING, UTILITY or AUTHENTICATION"
            ),
            ("removeTemplate", #"{}"#, "name: is required"),
            ("callingSettings", #"{"calling": {"status": "on"}}"#, "calling.status: must be one of ENABLED, DISABLED"),
            ("initiateCall", #"{"action": "connect", "to": "12020721369"}"#, "session: is required"),
            (
                "whatsapp_business_encryption", #"{"business_public_key": "\#(TestKeys.rsa1024JSON)"}"#,
                "business_public_key: must be a 2048-bit RSA public key (this one has 1024 bits)"
            ),
        ])
    func validation(operation: String, body: String, problem: String) async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        let response = try await Self.send(.post, operation, body: body, in: world, graph: graph)
        #expect(response.status == .badRequest)
        let error = try #require(response.json["error"] as? String)
        #expect(error.hasPrefix("Invalid request: ") && error.contains(problem), "\(error)")
        #expect(graph.log.all.isEmpty)
    }

    @Test("POST /me with no updatable field → 422; phone alone is not updatable")
    func nothingToUpdate() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        for body in [#"{}"#, #"{"phone": "12020721369"}"#] {
            let response = try await Self.send(.post, "me", body: body, in: world, graph: graph)
            #expect(response.status == .unprocessableContent)
            #expect((response.json["error"] as? String)?.hasPrefix("Nothing to update") == true)
        }
        #expect(graph.log.all.isEmpty)
    }

    @Test(".live: POST /me: the label goes to Meta as its code; GET /me shows it back as the label")
    func verticalRoundTrip() async throws {
        let world = try await TestWorld.make()
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let uri = "/alpha/me?token=\(TestWorld.alphaToken)"
                let set = try await client.post(uri, "vertical=Medical+and+Health&websites=https%3A%2F%2Fclinic.example.com")
                #expect(set.json["result"] as? String == "success", "\(set.text)")
                let me = try await client.execute(uri: uri, method: .get)
                #expect(me.json["vertical"] as? String == "Medical and Health")
                #expect(me.json["websites"] as? [String] == ["https://clinic.example.com"])
            }
        }
        let posted = try #require(world.simulator.requests.first { $0.method == "POST" }?.json as? [String: Any])
        #expect(posted["vertical"] as? String == "HEALTH")
        #expect(posted["messaging_product"] as? String == "whatsapp")
    }

    @Test(".live: POST /me photo: without the channel's app id a 400 says what to configure; with it the picture is uploaded and shown")
    func photoUpload() async throws {
        let world = try await TestWorld.make()
        let photo =
            #"{"photo": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}"#
        let graph = FakeGraphAPI()
        let refused = try await Self.send(.post, "me", body: photo, in: world, graph: graph)
        #expect(refused.status == .badRequest)
        #expect((refused.json["error"] as? String)?.contains("channel update --id alpha --app-id") == true, "\(refused.text)")
        #expect(graph.log.all.isEmpty)

        var settings = TestWorld.alpha.settings
        settings.metaAppID = "424242"
        try await world.store().updateSettings(channelID: "alpha", settings: settings)
        let uploaded = try await Self.send(.post, "me", body: photo, in: world)
        #expect(uploaded.json["result"] as? String == "success", "\(uploaded.text)")
        let calls = world.simulator.requests.map { "\($0.method) \($0.path)" }
        #expect(calls.first == "POST /v23.0/424242/uploads")
        #expect(world.simulator.requests.first?.query.contains("file_type=image%2Fpng") == true)
        #expect(calls.dropFirst().first?.hasPrefix("POST /v23.0/upload:") == true)
        let profile = try #require(world.simulator.requests.last?.json as? [String: Any])
        let handle = try #require(profile["profile_picture_handle"] as? String)
        #expect(world.simulator.uploadedHandle(handle)?.byteCount == 70)
        let me = try await Self.send(.get, "me", in: world)
        #expect((me.json["photo"] as? String)?.contains("/profile-pictures/") == true, "\(me.text)")
    }

    @Test(".live: GET /status: Meta's states map to 1MSG's; Meta unreachable is 200 disconnected with the reason")
    func statusMapping() async throws {
        let world = try await TestWorld.make()
        for (meta, expected) in [("BANNED", "unregistered"), ("PENDING", "uninitialized"), ("MIGRATED", "connecting"), ("FLAGGED", "connected")] {
            world.simulator.setPhoneStatus(meta, phoneNumberID: "1001")
            let response = try await Self.send(.get, "status", in: world)
            #expect(response.json["status"] as? String == expected, "\(meta): \(response.text)")
            #expect(response.json["accountStatus"] as? String == meta)
        }
        var unreachable = FakeGraphAPI()
        unreachable.onPhoneNumber = { _ in .failure(.unreachable(reason: "connection refused")) }
        let response = try await Self.send(.get, "status", in: world, graph: unreachable)
        #expect(response.status == .ok)
        #expect(response.json["status"] as? String == "disconnected")
        #expect((response.json["reason"] as? String)?.contains("could not be reached") == true, "\(response.text)")
    }

    @Test(".live: GET /templates reads every page, lower-cases status, adds the namespace, and serves from the cache until a change")
    func templatePagingAndCache() async throws {
        let world = try await TestWorld.make()
        world.simulator.addTemplates(wabaID: "2001", count: 247, prefix: "bulk")
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                let uri = "/alpha/templates?token=\(TestWorld.alphaToken)"
                let first = try await client.execute(uri: uri, method: .get)
                #expect(first.json["total"] as? Int == 250, "\(first.text.prefix(300))")
                let templates = try #require(first.json["templates"] as? [[String: Any]])
                #expect(Set(templates.compactMap { $0["name"] as? String }).count == 250)
                #expect(templates.allSatisfy { ($0["status"] as? String) == ($0["status"] as? String)?.lowercased() })
                #expect(templates.allSatisfy { ($0["namespace"] as? String)?.isEmpty == false })
                #expect(templates.contains { $0["rejected_reason"] as? String == "PROMOTIONAL" })
                let pages = world.simulator.requests.filter { $0.path.hasSuffix("/message_templates") }.count
                #expect(pages == 3, "100 per page")

                let cached = try await client.execute(uri: uri + "&offset=10&limit=5", method: .get)
                #expect((cached.json["templates"] as? [Any])?.count == 5)
                #expect(world.simulator.requests.filter { $0.path.hasSuffix("/message_templates") }.count == 3, "served from the cache")

                let removed = try await client.post(
                    "/alpha/removeTemplate?token=\(TestWorld.alphaToken)", #"{"name": "bulk_0001"}"#, contentType: "application/json")
                #expect(removed.json["result"] as? String == "success")
                let after = try await client.execute(uri: uri, method: .get)
                #expect(after.json["total"] as? Int == 249, "the removal refreshed the cache")
                let again = try await client.post(
                    "/alpha/removeTemplate?token=\(TestWorld.alphaToken)", #"{"name": "bulk_0001"}"#, contentType: "application/json")
                #expect(again.status == .notFound, "\(again.text)")
            }
        }
    }

    @Test(".live: POST /addTemplate with a media header example: the file goes through the resumable upload, its handle into the template")
    func addTemplateHeaderMedia() async throws {
        let world = try await TestWorld.make()
        var settings = TestWorld.alpha.settings
        settings.metaAppID = "424242"
        try await world.store().updateSettings(channelID: "alpha", settings: settings)
        let body =
            #"{"name": "spring_sale", "category": "MARKETING", "language": "en_US", "components": [{"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ=="]}}, {"type": "BODY", "text": "Spring sale"}]}"#
        let response = try await Self.send(.post, "addTemplate", body: body, in: world)
        #expect(response.status == .ok, "\(response.text)")
        #expect(response.json["status"] as? String == "approved")
        let created = try #require(world.simulator.requests.last?.json as? [String: Any])
        let header = try #require((created["components"] as? [[String: Any]])?.first)
        let handle = try #require(((header["example"] as? [String: Any])?["header_handle"] as? [String])?.first)
        #expect(world.simulator.uploadedHandle(handle)?.mimeType == "image/jpeg")
        #expect(world.simulator.templateNames(wabaID: "2001").contains("spring_sale"))
    }

    @Test(".live: blockUser → the user is on Meta's block list and in GET /blockedUsers; unblockUser takes them off")
    func blockRoundTrip() async throws {
        let world = try await TestWorld.make()
        _ = try await Self.send(.post, "blockUser", body: #"{"phone": "+1 202 072 1369"}"#, in: world)
        #expect(world.simulator.blockedUsers(phoneNumberID: "1001") == ["12020721369"])
        let list = try await Self.send(.get, "blockedUsers", in: world)
        let users = try #require(list.json["blockedUsers"] as? [[String: Any]])
        #expect(users.first?["chatId"] as? String == "12020721369@c.us")
        _ = try await Self.send(.post, "unblockUser", body: #"{"phone": "12020721369"}"#, in: world)
        #expect(world.simulator.blockedUsers(phoneNumberID: "1001").isEmpty)
    }

    @Test(".live: POST then GET /conversationalAutomation shows what was set")
    func automationRoundTrip() async throws {
        let world = try await TestWorld.make()
        let set = try await Self.send(
            .post, "conversationalAutomation",
            body:
                #"{"enable_welcome_message": true, "prompts": ["Track my order"], "commands": [{"command_name": "/help", "command_description": "Get help"}]}"#,
            in: world)
        #expect(set.json["success"] as? Bool == true, "\(set.text)")
        let get = try await Self.send(.get, "conversationalAutomation", in: world)
        #expect(get.json["enable_welcome_message"] as? Bool == true)
        #expect(get.json["prompts"] as? [String] == ["Track my order"])
        #expect((get.json["commands"] as? [[String: String]])?.first?["command_name"] == "help")
    }

    @Test("GET /statistics and /extendedStatistics count stored status pricing with the configured prices; empty months are zeros")
    func statistics() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        let month = StatisticsMonth(containing: Date()).oneMsgDate
        let store = world.store()
        for (id, category) in [("wamid.S1", "marketing"), ("wamid.S2", "utility"), ("wamid.S3", "service")] {
            let raw =
                #"{"id":"\#(id)","status":"delivered","timestamp":"\#(Int(Date().timeIntervalSince1970))","recipient_id":"12020721369","pricing":{"billable":\#(category != "service"),"pricing_model":"PMP","category":"\#(category)"}}"#
            _ = try await store.commitInbound(
                InboundCommit(
                    payload: Array("{}".utf8), receivedAt: Date(),
                    statuses: [StatusCommit(channelID: "alpha", messageID: id, status: "delivered", rank: 2, raw: Array(raw.utf8), event: nil)]))
        }
        let prices: (inout BridgeConfiguration) -> Void = { $0.prices = PriceTable(prices: ["marketing": 0.0625, "utility": 0.0075]) }
        let current = try await Self.send(.get, "statistics?date=\(month)", in: world, graph: graph, configure: prices)
        #expect(current.json["date"] as? String == month)
        #expect(current.json["templates_cost"] as? Double == 0.07, "\(current.text)")
        let empty = try await Self.send(.get, "statistics?date=01.2001", in: world, graph: graph, configure: prices)
        #expect(empty.status == .ok)
        #expect(empty.json["templates_cost"] as? Double == 0)
        let invalid = try await Self.send(.get, "statistics?date=2001-01", in: world, graph: graph)
        #expect(invalid.status == .badRequest)
        #expect((invalid.json["error"] as? String)?.contains("date: must be a month as mm.YYYY") == true)
        let extended = try await Self.send(.get, "extendedStatistics", in: world, graph: graph, configure: prices)
        let rows = try #require(Self.json(extended) as? [[String: Any]])
        #expect(rows.count == 12)
        #expect(rows.last?["quantity"] as? Int == 3)
        #expect(rows.last?["business_initiated_paid_quantity"] as? Int == 2)
        #expect(rows.last?["user_initiated_quantity"] as? Int == 1)
        #expect(rows.first?["quantity"] as? Int == 0)
        #expect(graph.log.all.isEmpty)
    }

    @Test(".live: Meta's refusals keep their meaning: a duplicate template is the client's 400, a rate limit 429, a bad token 502")
    func refusalStatuses() async throws {
        let world = try await TestWorld.make()
        let duplicate = try await Self.send(
            .post, "addTemplate",
            body: #"{"name": "hello_world", "category": "UTILITY", "language": "en_US", "components": [{"type": "BODY", "text": "Hi"}]}"#,
            in: world)
        #expect(duplicate.status == .badRequest, "\(duplicate.text)")
        #expect((duplicate.json["error"] as? String)?.hasPrefix("100: ") == true)
        let limited = try await Self.send(
            .get, "me", in: world, graph: .refusingEverything(with: .meta(80007, "(#80007) Rate limit hit")))
        #expect(limited.status == .tooManyRequests, "\(limited.text)")
        let token = try await Self.send(
            .get, "commerce", in: world, graph: .refusingEverything(with: .meta(190, "(#190) Token expired")))
        #expect(token.status == .badGateway, "\(token.text)")
    }

    @Test(".live: sendTemplate of a template the account does not have → sent:false with Meta's 132001; an approved one is priced by its category")
    func templateMustExist() async throws {
        let world = try await TestWorld.make()
        let missing = try await Self.send(
            .post, "sendTemplate", body: #"{"phone": "12020721369", "template": "no_such_template", "language": "en_US"}"#, in: world)
        #expect(missing.json["sent"] as? Bool == false)
        #expect((missing.json["message"] as? String)?.hasPrefix("132001: ") == true, "\(missing.text)")
        let rejected = try await Self.send(
            .post, "sendTemplate", body: #"{"phone": "12020721369", "template": "promo_blast", "language": "es"}"#, in: world)
        #expect(rejected.json["sent"] as? Bool == false, "a rejected template cannot be sent")
    }
}
