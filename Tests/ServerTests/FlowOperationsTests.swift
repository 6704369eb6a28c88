import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing
import Translation

/// One Flows operation through the router: a valid request, the fake's answer, the Graph call it must make and what
/// the reply must hold.
struct FlowOperationCase: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    var path: String
    var body: String?
    /// The fake's operation name and what it must have been given.
    var call: FakeGraphAPI.Call
    var answer: @Sendable (inout FakeFlowsAnswers) -> Void
    var check: @Sendable ([String: Any]) -> Bool

    var testDescription: String { "\(method) \(path)" }

    static let flowID = "1234567890123456"
    static let validation: CloudJSON = ["error": "INVALID_PROPERTY", "error_type": "JSON_SCHEMA_ERROR", "message": "bad", "line_start": 3]

    static func call(_ operation: String, _ json: CloudJSON) -> FakeGraphAPI.Call {
        FakeGraphAPI.Call(operation: operation, channelID: "alpha", json: json)
    }

    static let all: [FlowOperationCase] = [
        .init(
            method: .get, path: "flows?fields=id,name", call: call("listFlows", ["fields": "id,name"]),
            answer: { $0.onListFlows = { _ in .success([["id": "1", "name": "A"], ["id": "2", "name": "B"]]) } },
            check: { ($0["items"] as? [Any])?.count == 2 && $0["count"] as? Int == 2 && $0["total"] as? Int == 2 && $0["paging"] is [String: Any] }),
        .init(
            method: .post, path: "flows", body: #"{"name": "Book", "categories": ["OTHER"], "flowJson": {"version": "7.2", "screens": []}}"#,
            call: call("createFlow", ["name": "Book", "categories": ["OTHER"], "flow_json": #"{"screens":[],"version":"7.2"}"#]),
            answer: { $0.onCreateFlow = { _ in .success(CloudFlowCreated(id: flowID, success: true, validationErrors: [validation])) } },
            check: { $0["id"] as? String == flowID && ($0["validationErrors"] as? [[String: Any]])?.first?["line_start"] as? Int == 3 }),
        .init(
            method: .get, path: "flows/\(flowID)", call: call("flow", ["id": .string(flowID), "fields": .string(FlowTranslation.defaultFlowFields)]),
            answer: { $0.onFlow = { id, _ in .success(["id": .string(id), "name": "Book", "status": "DRAFT"]) } },
            check: { $0["id"] as? String == flowID && $0["status"] as? String == "DRAFT" }),
        .init(
            method: .delete, path: "flows/\(flowID)", call: call("deleteFlow", ["id": .string(flowID)]),
            answer: { $0.onDeleteFlow = { _ in .success(CloudSuccess(success: true)) } }, check: { $0["success"] as? Bool == true }),
        .init(
            method: .post, path: "flows/\(flowID)/publish", call: call("publishFlow", ["id": .string(flowID)]),
            answer: { $0.onPublishFlow = { _ in .success(CloudSuccess(success: true)) } }, check: { $0["success"] as? Bool == true }),
        .init(
            method: .post, path: "flows/\(flowID)/deprecate?wabaAccountId=2001", call: call("deprecateFlow", ["id": .string(flowID)]),
            answer: { $0.onDeprecateFlow = { _ in .success(CloudSuccess(success: true)) } }, check: { $0["success"] as? Bool == true }),
        .init(
            method: .get, path: "flows/\(flowID)/preview", call: call("flowPreview", ["id": .string(flowID)]),
            answer: {
                $0.onFlowPreview = { id in
                    .success(CloudFlowPreview(id: id, preview: .init(previewURL: "https://p.example/x", expiresAt: "2026-05-21T11:18:09+0000")))
                }
            },
            check: { $0["previewUrl"] as? String == "https://p.example/x" && $0["expiresAt"] as? String == "2026-05-21T11:18:09+0000" }),
        .init(
            method: .patch, path: "flows/\(flowID)/assets", body: #"{"flowJson": "{\"version\": \"7.2\"}"}"#,
            call: call("uploadFlowJSON", ["id": .string(flowID), "name": "flow.json", "asset_type": "FLOW_JSON", "file": #"{"version": "7.2"}"#]),
            answer: { $0.onUploadFlowJSON = { _, _ in .success(CloudFlowAssetsResult(success: true, validationErrors: [validation])) } },
            check: { $0["success"] as? Bool == true && ($0["validationErrors"] as? [Any])?.count == 1 }),
        .init(
            method: .patch, path: "flows/\(flowID)/metadata", body: #"{"name": "Book v2", "endpointUri": "https://example.com/f"}"#,
            call: call("updateFlowMetadata", ["id": .string(flowID), "metadata": ["name": "Book v2", "endpoint_uri": "https://example.com/f"]]),
            answer: { $0.onUpdateFlowMetadata = { _, _ in .success(CloudSuccess(success: true)) } }, check: { $0["success"] as? Bool == true }),
    ]
}

@Suite("Flows operations: router tests with a fake Graph API")
struct FlowOperationsTests {
    static func send(_ operation: FlowOperationCase, graph: FakeGraphAPI) async throws -> TestResponse {
        let world = try await TestWorld.make(.memory)
        return try await AccountOperationsTests.send(operation.method, operation.path, body: operation.body, in: world, graph: graph)
    }

    @Test("valid → the named Graph call with what Meta needs, and 1MSG's reply", arguments: FlowOperationCase.all)
    func success(_ operation: FlowOperationCase) async throws {
        var graph = FakeGraphAPI()
        operation.answer(&graph.flows)
        let response = try await Self.send(operation, graph: graph)
        #expect(response.status == .ok, "\(response.text)")
        #expect(operation.check(response.json), "\(response.text)")
        #expect(graph.log.all == [operation.call])
    }

    @Test("Meta refuses → a 400 carrying Meta's Flows code and reason, never a 500", arguments: FlowOperationCase.all)
    func refusal(_ operation: FlowOperationCase) async throws {
        let graph = FakeGraphAPI.refusingEverything(
            with: .meta(139002, "(#139002) Publishing Flow in invalid state", details: "The Flow is PUBLISHED; only a draft can be published"))
        let response = try await Self.send(operation, graph: graph)
        #expect(graph.log.operations == [operation.call.operation])
        #expect(response.status == .badRequest, "\(response.text)")
        #expect(response.json["error"] as? String == "139002: The Flow is PUBLISHED; only a draft can be published", "\(response.text)")
    }

    @Test("an unknown Flow → 404 with Meta's code")
    func unknownFlow() async throws {
        var graph = FakeGraphAPI()
        graph.flows.onFlow = { _, _ in .failure(.meta(100, "Unsupported get request", httpStatus: 404)) }
        let response = try await Self.send(FlowOperationCase.all[2], graph: graph)
        #expect(response.status == .notFound)
        #expect((response.json["error"] as? String)?.hasPrefix("100: ") == true, "\(response.text)")
    }

    @Test(
        "invalid → 400 naming the field and the rule; nothing goes to Meta",
        arguments: [
            (HTTPRequest.Method.get, "flows/12ab", "", "flowId: must be a Flow id: digits only"),
            (.delete, "flows/-1", "", "flowId: must be a Flow id: digits only"),
            (.post, "flows/12ab/publish", "", "flowId: must be a Flow id"),
            (.get, "flows?wabaAccountId=2002", "", "wabaAccountId: must be this channel's WhatsApp Business Account id (2001)"),
            (.post, "flows/1/deprecate", #"{"wabaAccountId": "2002"}"#, "wabaAccountId: must be this channel's"),
            (.get, "flows?fields=id%3Bname", "", "fields: must be Meta's Flow field names"),
            (.post, "flows", #"{"categories": ["OTHER"]}"#, "name: is required"),
            (.post, "flows", #"{"name": "A"}"#, "categories: is required"),
            (.post, "flows", #"{"name": "A", "categories": ["NEWS"]}"#, "categories: must be one of SIGN_UP"),
            (.post, "flows", #"{"name": "A", "categories": "OTHER", "endpointUri": "ftp://x"}"#, "endpointUri: must be an absolute http"),
            (.post, "flows", #"{"name": "A", "categories": "OTHER", "publish": true}"#, "publish: needs flowJson"),
            (.patch, "flows/1/assets", #"{}"#, "flowJson: is required"),
            (.patch, "flows/1/assets", #"{"flowJson": "{not json"}"#, "flowJson: must be the Flow JSON"),
            (.patch, "flows/1/metadata", #"{}"#, "name: or categories or endpointUri is needed"),
            (.get, "flows/1/preview?wabaAccountId=1", "", "wabaAccountId: must be this channel's"),
        ])
    func validation(method: HTTPRequest.Method, path: String, body: String, problem: String) async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        let response = try await AccountOperationsTests.send(method, path, body: body.isEmpty ? nil : body, in: world, graph: graph)
        #expect(response.status == .badRequest, "\(response.text)")
        let error = try #require(response.json["error"] as? String)
        #expect(error.hasPrefix("Invalid request: ") && error.contains(problem), "\(error)")
        #expect(graph.log.all.isEmpty)
    }

    @Test("the token alone names the channel: /flows without the channel in the path works too")
    func withoutChannelPath() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        graph.flows.onPublishFlow = { _ in .success(CloudSuccess(success: true)) }
        let app = try await world.bridge(graph: graph)
        let response = try await app.test(.router) { client in
            try await client.execute(uri: "/flows/77/publish?token=\(TestWorld.alphaToken)", method: .post)
        }
        #expect(response.status == .ok, "\(response.text)")
        #expect(graph.log.all == [FlowOperationCase.call("publishFlow", ["id": "77"])])
    }
}
