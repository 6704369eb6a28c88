import Cloud
import Sandbox
import Translation

@testable import Server

/// The rows of the Flows operations in the live Graph client's table: a draft (`7001`, valid Flow JSON) and a
/// published Flow (`7002`) of channel alpha's account are in the simulator.
extension GraphOperationCase {
    static let validFlowJSON = #"{"version": "7.2", "screens": [{"id": "WELCOME", "layout": {"type": "SingleColumnLayout", "children": []}}]}"#

    static func addFlows(to simulator: SimulatorState) {
        simulator.addFlow(id: "7001", wabaID: "2001", name: "Draft flow", flowJSON: validFlowJSON)
        simulator.addFlow(id: "7002", wabaID: "2001", name: "Published flow", status: "PUBLISHED", flowJSON: validFlowJSON)
    }

    static let flowOperations: [GraphOperationCase] = [
        .init(name: "listFlows", upstream: "GET /v23.0/2001/flows") { await succeeded($0.listFlows(fields: "id,name,status", channel: $1)) },
        .init(name: "createFlow", upstream: "POST /v23.0/2001/flows") {
            await succeeded($0.createFlow(["name": "New flow", "categories": ["OTHER"], "flow_json": .string(validFlowJSON)], channel: $1))
        },
        .init(name: "flow", upstream: "GET /v23.0/7001") {
            await succeeded($0.flow(id: "7001", fields: FlowTranslation.defaultFlowFields, channel: $1))
        },
        .init(name: "deleteFlow", upstream: "DELETE /v23.0/7001") { await succeeded($0.deleteFlow(id: "7001", channel: $1)) },
        .init(name: "publishFlow", upstream: "POST /v23.0/7001/publish") { await succeeded($0.publishFlow(id: "7001", channel: $1)) },
        .init(name: "deprecateFlow", upstream: "POST /v23.0/7002/deprecate") { await succeeded($0.deprecateFlow(id: "7002", channel: $1)) },
        .init(name: "flowPreview", upstream: "GET /v23.0/7001") {
            guard case .success(let preview) = await $0.flowPreview(id: "7001", channel: $1) else { return false }
            return preview.preview?.previewURL?.contains("7001") == true && preview.preview?.expiresAt != nil
        },
        .init(name: "uploadFlowJSON", upstream: "POST /v23.0/7001/assets") {
            guard case .success(let result) = await $0.uploadFlowJSON(id: "7001", json: #"{"screens": []}"#, channel: $1) else { return false }
            return result.success && result.validationErrors?.isEmpty == false
        },
        .init(name: "updateFlowMetadata", upstream: "POST /v23.0/7001") {
            await succeeded($0.updateFlowMetadata(id: "7001", ["name": "Renamed", "endpoint_uri": "https://example.com/f"], channel: $1))
        },
    ]
}
