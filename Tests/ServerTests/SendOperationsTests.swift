import Cloud
import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// One send operation with a valid body, an invalid one, and what each must produce.
struct SendOperationCase: Sendable, CustomTestStringConvertible {
    var operation: String
    var valid: String
    /// The Cloud `type`, and for interactive messages `interactive.type`.
    var cloudType: String
    var interactiveType: String?
    var invalid: String
    /// A part of the 400 text that names the field and the rule.
    var problem: String

    var testDescription: String { operation }

    static let phone = #""phone": "12020721369""#

    static let all: [SendOperationCase] = [
        .init(
            operation: "sendMessage", valid: #"{\#(phone), "body": "hi"}"#, cloudType: "text",
            invalid: #"{\#(phone)}"#, problem: "body: is required"),
        .init(
            operation: "sendFile", valid: #"{\#(phone), "body": "https://example.com/a.jpg", "caption": "A"}"#, cloudType: "image",
            invalid: #"{\#(phone), "body": "ftp://example.com/a.jpg"}"#, problem: "body: must be an http(s) URL"),
        .init(
            operation: "sendSticker", valid: #"{\#(phone), "link": "https://example.com/s.webp"}"#, cloudType: "sticker",
            invalid: #"{\#(phone)}"#, problem: "mediaId: is required when link is not set"),
        .init(
            operation: "sendLocation", valid: #"{\#(phone), "lat": "45.018337", "lng": "-73.968285", "name": "HQ"}"#,
            cloudType: "location", invalid: #"{\#(phone), "lat": "95", "lng": "0"}"#, problem: "lat: must be between -90 and 90"),
        .init(
            operation: "sendContact", valid: #"{\#(phone), "contact": {"name": "Ann Lee", "phone": "+1 202 555 0100"}}"#,
            cloudType: "contacts", invalid: #"{\#(phone), "contacts": []}"#, problem: "contacts: must not be empty"),
        .init(
            operation: "sendReaction", valid: #"{\#(phone), "body": "👍", "quotedMsgId": "wamid.TARGET"}"#, cloudType: "reaction",
            invalid: #"{\#(phone), "body": "👍"}"#, problem: "quotedMsgId: is required"),
        .init(
            operation: "sendList",
            valid: #"{\#(phone), "body": "Pick one", "action": "Menu", "sections": [{"rows": [{"id": "1", "title": "One"}]}]}"#,
            cloudType: "interactive", interactiveType: "list",
            invalid: #"{\#(phone), "body": "Pick one", "action": "Menu"}"#, problem: "sections: is required"),
        .init(
            operation: "sendButton", valid: #"{\#(phone), "body": "Ok?", "buttons": [{"id": "y", "title": "Yes"}]}"#,
            cloudType: "interactive", interactiveType: "button",
            invalid:
                #"{\#(phone), "body": "Ok?", "buttons": [{"id": "1", "title": "A"}, {"id": "2", "title": "B"}, {"id": "3", "title": "C"}, {"id": "4", "title": "D"}]}"#,
            problem: "buttons: must have at most 3 items (got 4)"),
        .init(
            operation: "sendLocationRequest", valid: #"{\#(phone), "body": "Where are you?"}"#, cloudType: "interactive",
            interactiveType: "location_request_message", invalid: #"{\#(phone)}"#, problem: "body: is required"),
        .init(
            operation: "sendCtaUrl", valid: #"{\#(phone), "body": "Visit", "displayText": "Open", "url": "https://example.com"}"#,
            cloudType: "interactive", interactiveType: "cta_url",
            invalid: #"{\#(phone), "body": "Visit", "displayText": "Open", "url": "example"}"#,
            problem: "url: must be an absolute http:// or https:// URL"),
        .init(
            operation: "sendFlow",
            valid: #"{\#(phone), "body": "Sign up", "flowId": "1234", "flowCta": "Start", "flowActionPayload": {"screen": "WELCOME"}}"#,
            cloudType: "interactive", interactiveType: "flow",
            invalid: #"{\#(phone), "body": "Sign up", "flowId": "1234", "flowActionPayload": {"screen": "WELCOME"}}"#,
            problem: "flowCta: is required"),
        .init(
            operation: "sendCarousel",
            valid: #"{\#(phone), "body": "Look", "cards": [\#(card), \#(card)]}"#, cloudType: "interactive", interactiveType: "carousel",
            invalid: #"{\#(phone), "body": "Look", "cards": [\#(card)]}"#, problem: "cards: must have at least 2 items (got 1)"),
        .init(
            operation: "sendProduct", valid: #"{\#(phone), "action": {"catalog_id": "77", "product_retailer_id": "sku-1"}}"#,
            cloudType: "interactive", interactiveType: "product",
            invalid: #"{\#(phone), "action": {"product_retailer_id": "sku-1"}}"#, problem: "action.catalog_id: is required"),
        .init(
            operation: "sendAddressMessage", valid: #"{\#(phone), "body": "Your address?", "country": "IN"}"#,
            cloudType: "interactive", interactiveType: "address_message",
            invalid: #"{\#(phone), "body": "Your address?", "country": "US"}"#, problem: "country: must be one of IN, SG"),
        .init(
            operation: "sendTemplate", valid: #"{\#(phone), "template": "hello_world", "language": "en_US", "namespace": "ns"}"#,
            cloudType: "template", invalid: #"{\#(phone), "template": "hello_world"}"#, problem: "language: is required"),
        .init(
            operation: "sendOrderDetails",
            valid: #"{\#(phone), "template": "order_ready", "namespace": "ns", "language": {"code": "en"}, "referenceId": "ord-1", \#(order)}"#,
            cloudType: "template",
            invalid: #"{\#(phone), "template": "order_ready", "namespace": "ns", "language": {"code": "en"}, \#(order)}"#,
            problem: "referenceId: is required"),
        .init(
            operation: "sendPaymentRequest",
            valid: #"{\#(phone), "region": "IN", "body": "Your order", "referenceId": "ord-1", \#(order)}"#,
            cloudType: "interactive", interactiveType: "order_details",
            invalid: #"{\#(phone), "region": "US", "body": "Your order", "referenceId": "ord-1", \#(order)}"#,
            problem: "region: must be one of IN, SG, BR"),
    ]

    static let order = #""order": {"items": [{"retailer_id": "sku-1", "name": "Bread", "quantity": 2, "amount": {"value": 5000, "offset": 100}}]}"#

    static let card =
        #"{"header": {"type": "image", "image": {"link": "https://example.com/c.jpg"}}, "body": {"text": "Card"}, "action": {"name": "cta_url", "parameters": {"display_text": "Buy", "url": "https://example.com/buy"}}}"#
}

@Suite("Every send operation through the router")
struct SendOperationsTests {
    /// POSTs a JSON body to the operation on channel alpha, through the router, with `graph` in place of Meta.
    static func post(
        _ body: String, to operation: SendOperationCase, in world: TestWorld, graph: FakeGraphAPI
    ) async throws -> TestResponse {
        let app = try await world.bridge(graph: graph)
        return try await app.test(.router) { client in
            try await client.post("/alpha/\(operation.operation)?token=\(TestWorld.alphaToken)", body, contentType: "application/json")
        }
    }

    @Test("valid → sent:true and one Cloud message of the right type", arguments: SendOperationCase.all)
    func success(_ operation: SendOperationCase) async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI.acceptingMessages()
        let response = try await Self.post(operation.valid, to: operation, in: world, graph: graph)
        #expect(response.status == .ok)
        #expect(response.json["sent"] as? Bool == true, "\(response.text)")
        #expect(response.json["id"] as? String == "wamid.FAKE1")
        #expect(graph.log.operations == ["sendMessage"])
        let body = try #require(graph.log.all.first?.json)
        #expect(body["type"]?.text == operation.cloudType)
        if let interactiveType = operation.interactiveType {
            #expect(body["interactive"]?["type"]?.text == interactiveType)
        }
        let history = try await world.store().messages(channelID: "alpha")
        #expect(history.count == 1)
    }

    @Test("invalid → 400 naming the field and the rule; nothing goes upstream", arguments: SendOperationCase.all)
    func validation(_ operation: SendOperationCase) async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        let response = try await Self.post(operation.invalid, to: operation, in: world, graph: graph)
        #expect(response.status == .badRequest)
        let error = try #require(response.json["error"] as? String)
        #expect(error.hasPrefix("Invalid request: "))
        #expect(error.contains(operation.problem), "\(error)")
        #expect(graph.log.all.isEmpty)
    }

    @Test("Meta refuses → HTTP 200, sent:false, Meta's code (in `message` and as `code`) and advice", arguments: SendOperationCase.all)
    func refusal(_ operation: SendOperationCase) async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI.refusingEverything(
            with: .meta(131047, "(#131047) Re-engagement message", details: "More than 24 hours"))
        let response = try await Self.post(operation.valid, to: operation, in: world, graph: graph)
        #expect(response.status == .ok)
        #expect(response.json["sent"] as? Bool == false)
        #expect((response.json["message"] as? String)?.hasPrefix("131047: ") == true)
        #expect(response.json["code"] as? Int == 131047, "\(response.text)")
        #expect(try await world.store().messages(channelID: "alpha").isEmpty)
    }

    @Test("readMessage → Meta's read receipt with the typing indicator; {result: success}")
    func readMessage() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI.acceptingMessages()
        let app = try await world.bridge(graph: graph)
        try await app.test(.router) { client in
            let uri = "/alpha/readMessage?token=\(TestWorld.alphaToken)"
            let read = try await client.post(uri, "msgId=wamid.IN1&typingIndicator=True")
            #expect(read.status == .ok)
            #expect(read.json["result"] as? String == "success")
            let missing = try await client.post(uri, "", contentType: "application/json")
            #expect(missing.status == .badRequest)
            #expect(missing.json["error"] as? String == "Invalid request: messageId: is required")
        }
        let expected: CloudJSON = [
            "messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN1", "typing_indicator": ["type": "text"],
        ]
        #expect(graph.log.all.map(\.json) == [expected])
    }
}
