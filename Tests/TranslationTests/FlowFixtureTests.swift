import Cloud
import Foundation
import OneMsg
import Testing
import Translation

/// The `fixtures/account/flow-*.json` pairs of the Flows operations. A request fixture may name the path's
/// `flowId`; the channel's business account is ``wabaID``. The multipart Flow JSON upload is described by its parts,
/// `cloudMultipart: {name, asset_type, file: {filename, contentType, text}}`.
@Suite("Flow fixture pairs")
struct FlowFixtureTests {
    static let wabaID = "102290129340398"
    static let operations: Set = [
        "listFlows", "createFlow", "getFlow", "deleteFlow", "publishFlow", "deprecateFlow", "getFlowPreview", "updateFlowJson",
        "updateFlowMetadata",
    ]
    static var all: [AccountFixture] { ((try? AccountFixture.all()) ?? []).filter(\.isFlowFixture) }
    static var requests: [AccountFixture] { all.filter { $0.root["reply"] == nil } }
    static var replies: [AccountFixture] { all.filter { $0.root["reply"] != nil } }

    @Test("every Flows operation has fixtures in both directions")
    func coverage() {
        #expect(Set(Self.requests.map(\.operation)) == Self.operations)
        #expect(Set(Self.replies.map(\.operation)) == Self.operations)
    }

    @Test("1MSG request → exact Graph call, or the exact 400 text", arguments: Self.requests)
    func request(fixture: AccountFixture) throws {
        let fields = try fixture.fields()
        let flowID = fixture.root["flowId"]?.text
        let call: Call
        do {
            call = try Self.call(fixture.operation, flowID: flowID, fields)
        } catch let error as ValidationError {
            #expect(FieldValue.string("Invalid request: \(error.description)") == fixture.root["error"], "unexpected rejection: \(error)")
            return
        }
        #expect(fixture.root["error"] == nil, "expected a rejection")
        #expect(FieldValue.string(call.endpoint) == fixture.root["cloudEndpoint"])
        #expect(FieldValue.string(call.method) == fixture.root["cloudMethod"])
        #expect(call.body == fixture.root["cloud"])
        #expect(call.query == fixture.root["cloudQuery"])
        #expect(call.multipart == fixture.root["cloudMultipart"])
    }

    @Test("Graph answer → exact 1MSG reply", arguments: Self.replies)
    func reply(fixture: AccountFixture) throws {
        #expect(try Self.reply(fixture) == fixture.root["reply"])
    }

    typealias Call = (endpoint: String, method: String, body: FieldValue?, query: FieldValue?, multipart: FieldValue?)

    static func call(_ operation: String, flowID: String?, _ fields: RequestFields) throws -> Call {
        switch operation {
        case "listFlows":
            let names = try FlowTranslation.list(fields, wabaID: wabaID)
            return ("flows", "GET", nil, .object(names.map { ["fields": .string($0)] } ?? [:]), nil)
        case "createFlow":
            return ("flows", "POST", try FlowTranslation.creation(fields, wabaID: wabaID), nil, nil)
        case "getFlow":
            let lookup = try FlowTranslation.lookup(flowID, fields, wabaID: wabaID)
            return ("flow", "GET", nil, ["fields": .string(lookup.fields)], nil)
        case "deleteFlow":
            _ = try FlowTranslation.target(flowID, fields, wabaID: wabaID)
            return ("flow", "DELETE", nil, nil, nil)
        case "publishFlow", "deprecateFlow":
            _ = try FlowTranslation.target(flowID, fields, wabaID: wabaID)
            return (operation == "publishFlow" ? "flow_publish" : "flow_deprecate", "POST", nil, nil, nil)
        case "getFlowPreview":
            _ = try FlowTranslation.target(flowID, fields, wabaID: wabaID)
            return ("flow", "GET", nil, ["fields": .string(CloudFlowPreview.fields)], nil)
        case "updateFlowJson":
            let upload = try FlowTranslation.assets(flowID, fields, wabaID: wabaID)
            let file: FieldValue = ["filename": "flow.json", "contentType": "application/json", "text": .string(upload.flowJSON)]
            return ("flow_assets", "POST", nil, nil, ["name": "flow.json", "asset_type": "FLOW_JSON", "file": file])
        case "updateFlowMetadata":
            return ("flow", "POST", try FlowTranslation.metadata(flowID, fields, wabaID: wabaID).metadata, nil, nil)
        default:
            throw FixtureError(file: operation, reason: "no Flows request translation for this operation")
        }
    }

    static func reply(_ fixture: AccountFixture) throws -> FieldValue {
        switch fixture.operation {
        case "listFlows":
            let pages = try fixture.cloudResponse([CloudPage<CloudJSON>].self, "pages")
            return try AccountFixtureTests.encoded(FlowTranslation.list(pages.flatMap(\.data)))
        case "createFlow":
            return try AccountFixtureTests.encoded(FlowTranslation.created(try fixture.cloudResponse(CloudFlowCreated.self)))
        case "getFlow":
            return try AccountFixtureTests.encoded(try fixture.cloudResponse(CloudJSON.self))
        case "deleteFlow", "publishFlow", "deprecateFlow", "updateFlowMetadata":
            return try AccountFixtureTests.encoded(SuccessReply(success: try fixture.cloudResponse(CloudSuccess.self).success))
        case "getFlowPreview":
            let preview = try fixture.cloudResponse(CloudFlowPreview.self)
            return try AccountFixtureTests.encoded(FlowTranslation.preview(preview, flowID: "0"))
        case "updateFlowJson":
            return try AccountFixtureTests.encoded(FlowTranslation.assets(try fixture.cloudResponse(CloudFlowAssetsResult.self)))
        default:
            throw FixtureError(file: fixture.name, reason: "no Flows reply translation for \(fixture.operation)")
        }
    }
}
