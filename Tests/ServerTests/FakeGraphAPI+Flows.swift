import Cloud
import Server
import Store

/// What ``FakeGraphAPI`` answers for each Flows operation; every operation not set up fails the test.
struct FakeFlowsAnswers: Sendable {
    var onListFlows: @Sendable (String?) -> Result<[CloudJSON], CloudCallFailure> = unexpected("listFlows")
    var onCreateFlow: @Sendable (CloudJSON) -> Result<CloudFlowCreated, CloudCallFailure> = unexpected("createFlow")
    var onFlow: @Sendable (String, String) -> Result<CloudJSON, CloudCallFailure> = unexpected("flow")
    var onDeleteFlow: @Sendable (String) -> Result<CloudSuccess, CloudCallFailure> = unexpected("deleteFlow")
    var onPublishFlow: @Sendable (String) -> Result<CloudSuccess, CloudCallFailure> = unexpected("publishFlow")
    var onDeprecateFlow: @Sendable (String) -> Result<CloudSuccess, CloudCallFailure> = unexpected("deprecateFlow")
    var onFlowPreview: @Sendable (String) -> Result<CloudFlowPreview, CloudCallFailure> = unexpected("flowPreview")
    var onUploadFlowJSON: @Sendable (String, String) -> Result<CloudFlowAssetsResult, CloudCallFailure> = unexpected("uploadFlowJSON")
    var onUpdateFlowMetadata: @Sendable (String, CloudJSON) -> Result<CloudSuccess, CloudCallFailure> = unexpected("updateFlowMetadata")

    /// Answers that refuse every Flows operation with `failure`.
    static func refusing(with failure: CloudCallFailure) -> FakeFlowsAnswers {
        var answers = FakeFlowsAnswers()
        answers.onListFlows = { _ in .failure(failure) }
        answers.onCreateFlow = { _ in .failure(failure) }
        answers.onFlow = { _, _ in .failure(failure) }
        answers.onDeleteFlow = { _ in .failure(failure) }
        answers.onPublishFlow = { _ in .failure(failure) }
        answers.onDeprecateFlow = { _ in .failure(failure) }
        answers.onFlowPreview = { _ in .failure(failure) }
        answers.onUploadFlowJSON = { _, _ in .failure(failure) }
        answers.onUpdateFlowMetadata = { _, _ in .failure(failure) }
        return answers
    }
}

/// The Flows operations of the fake: each call is recorded with the flow id and what would have been sent.
extension FakeGraphAPI {
    func listFlows(fields: String?, channel: ChannelRecord) async -> Result<[CloudJSON], CloudCallFailure> {
        record("listFlows", channel, json: .members(["fields": .text(fields)]))
        return flows.onListFlows(fields)
    }

    func createFlow(_ flow: CloudJSON, channel: ChannelRecord) async -> Result<CloudFlowCreated, CloudCallFailure> {
        record("createFlow", channel, json: flow)
        return flows.onCreateFlow(flow)
    }

    func flow(id: String, fields: String, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        record("flow", channel, json: ["id": .string(id), "fields": .string(fields)])
        return flows.onFlow(id, fields)
    }

    func deleteFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("deleteFlow", channel, json: ["id": .string(id)])
        return flows.onDeleteFlow(id)
    }

    func publishFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("publishFlow", channel, json: ["id": .string(id)])
        return flows.onPublishFlow(id)
    }

    func deprecateFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("deprecateFlow", channel, json: ["id": .string(id)])
        return flows.onDeprecateFlow(id)
    }

    func flowPreview(id: String, channel: ChannelRecord) async -> Result<CloudFlowPreview, CloudCallFailure> {
        record("flowPreview", channel, json: ["id": .string(id)])
        return flows.onFlowPreview(id)
    }

    func uploadFlowJSON(id: String, json: String, channel: ChannelRecord) async -> Result<CloudFlowAssetsResult, CloudCallFailure> {
        record("uploadFlowJSON", channel, json: ["id": .string(id), "name": "flow.json", "asset_type": "FLOW_JSON", "file": .string(json)])
        return flows.onUploadFlowJSON(id, json)
    }

    func updateFlowMetadata(id: String, _ metadata: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("updateFlowMetadata", channel, json: ["id": .string(id), "metadata": metadata])
        return flows.onUpdateFlowMetadata(id, metadata)
    }
}
