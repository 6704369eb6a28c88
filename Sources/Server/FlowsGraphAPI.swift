import Cloud
import Store

/// The part of ``GraphAPI`` that manages the account's Flows (`/{waba-id}/flows`, `/{flow-id}`).
public protocol FlowsGraphAPI: Sendable {
    /// Every page of `GET /{waba-id}/flows`, with the given `fields` (Meta's defaults when `nil`).
    func listFlows(fields: String?, channel: ChannelRecord) async -> Result<[CloudJSON], CloudCallFailure>
    /// `POST /{waba-id}/flows`: a new Flow (`name`, `categories`, optionally `endpoint_uri`, `flow_json`, `publish`).
    func createFlow(_ flow: CloudJSON, channel: ChannelRecord) async -> Result<CloudFlowCreated, CloudCallFailure>
    /// `GET /{flow-id}?fields=…`: the Flow as Meta describes it.
    func flow(id: String, fields: String, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure>
    /// `DELETE /{flow-id}`: only a draft can be deleted.
    func deleteFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
    /// `POST /{flow-id}/publish`.
    func publishFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
    /// `POST /{flow-id}/deprecate`: only a published Flow can be deprecated.
    func deprecateFlow(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
    /// `GET /{flow-id}?fields=preview.invalidate(false)`: the current preview link.
    func flowPreview(id: String, channel: ChannelRecord) async -> Result<CloudFlowPreview, CloudCallFailure>
    /// `POST /{flow-id}/assets`: the Flow JSON as the multipart upload of `flow.json` (`asset_type` `FLOW_JSON`).
    func uploadFlowJSON(id: String, json: String, channel: ChannelRecord) async -> Result<CloudFlowAssetsResult, CloudCallFailure>
    /// `POST /{flow-id}`: new `name`, `categories` or `endpoint_uri`.
    func updateFlowMetadata(id: String, _ metadata: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
}
