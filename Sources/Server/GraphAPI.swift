import Cloud
import Hummingbird
import OneMsg
import Store
import Translation

/// The port to Meta's Graph API: every call the bridge makes, named for what it does. ``CloudClient`` is the
/// live implementation; tests give ``buildApplication(_:dependencies:)`` a fake that fails on calls they did not
/// expect. Each operation answers Meta's decoded result or the ``CloudCallFailure`` that stopped it. The groups and
/// Flows operations are declared by the ports it is made of, ``GroupsGraphAPI`` and ``FlowsGraphAPI``.
public protocol GraphAPI: GroupsGraphAPI, FlowsGraphAPI {
    /// `POST /{phone-number-id}/messages`.
    func sendMessage(_ message: CloudMessage, channel: ChannelRecord) async -> Result<CloudSendResponse, CloudCallFailure>
    /// `POST /{phone-number-id}/marketing_messages`: a marketing template sent through Marketing Messages.
    func sendMarketingMessage(
        _ message: CloudMessage, channel: ChannelRecord
    ) async -> Result<CloudSendResponse, CloudCallFailure>
    /// `POST /{phone-number-id}/messages` with a body as a Cloud API client wrote it (the Cloud surface): sent as it
    /// is, answered with Meta's JSON as it is.
    func sendCloudMessage(_ body: CloudJSON, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure>
    /// `POST /{phone-number-id}/messages` with a read receipt (and typing indicator).
    func markRead(_ receipt: CloudReadReceipt, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>

    /// `POST /{phone-number-id}/media`: the new media id.
    func uploadMedia(_ upload: MediaUpload, channel: ChannelRecord) async -> Result<CloudMediaID, CloudCallFailure>
    /// `GET /{media-id}`: the file's facts and its short-lived download URL.
    func mediaInfo(id: String, channel: ChannelRecord) async -> Result<CloudMediaInfo, CloudCallFailure>
    /// `DELETE /{media-id}`.
    func deleteMedia(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
    /// Starts downloading the file behind a URL from ``mediaInfo(id:channel:)``; the caller streams the body.
    func downloadMedia(url: String, channel: ChannelRecord) async throws -> MediaDownload
    /// Meta's resumable upload on the channel's app: the file handle profile pictures and template examples use.
    func uploadHandle(
        _ file: UploadedFile, mimeType: String, appID: String, channel: ChannelRecord
    ) async -> Result<String, CloudCallFailure>

    /// `GET /{phone-number-id}/whatsapp_business_profile`: the profile, `nil` when Meta has none.
    func businessProfile(channel: ChannelRecord) async -> Result<CloudBusinessProfile?, CloudCallFailure>
    /// `POST /{phone-number-id}/whatsapp_business_profile`.
    func updateBusinessProfile(_ profile: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
    /// `GET /{phone-number-id}?fields=…`: the facts about the business number named by `fields`.
    func phoneNumber(fields: String, channel: ChannelRecord) async -> Result<CloudPhoneNumber, CloudCallFailure>
    /// `GET /{phone-number-id}/whatsapp_commerce_settings`.
    func commerceSettings(channel: ChannelRecord) async -> Result<[CloudCommerceSettings], CloudCallFailure>
    /// `POST /{phone-number-id}/whatsapp_commerce_settings?{settings}`.
    func updateCommerceSettings(
        _ settings: [(name: String, value: String)], channel: ChannelRecord
    ) async -> Result<CloudSuccess, CloudCallFailure>
    /// `POST /{phone-number-id}/block_users` (`blocking`) or `DELETE` it (unblocking).
    func changeBlockList(
        _ request: CloudJSON, blocking: Bool, channel: ChannelRecord
    ) async -> Result<CloudBlockUsersResult, CloudCallFailure>
    /// Every page of `GET /{phone-number-id}/block_users`.
    func blockedUsers(channel: ChannelRecord) async -> Result<[CloudBlockedUser], CloudCallFailure>
    /// `POST /{phone-number-id}/conversational_automation`.
    func updateConversationalAutomation(_ automation: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
    /// `GET /{phone-number-id}/settings`: the number's calling, storage and encryption settings.
    func phoneSettings(channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure>
    /// `POST /{phone-number-id}/settings` (e.g. `{"calling": {…}}`).
    func updatePhoneSettings(_ settings: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
    /// `POST /{phone-number-id}/calls`: starts, answers, rejects or ends a call; Meta's answer as given.
    func callAction(_ action: CloudJSON, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure>
    /// `GET /{phone-number-id}/whatsapp_business_encryption`: the business public key and its signature status.
    func businessEncryption(channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure>
    /// `POST /{phone-number-id}/whatsapp_business_encryption` with the PEM text of the business public key.
    func setBusinessPublicKey(_ pem: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>

    /// Every page of `GET /{waba-id}/message_templates` with the given fields.
    func messageTemplates(fields: String, channel: ChannelRecord) async -> Result<[CloudJSON], CloudCallFailure>
    /// `GET /{waba-id}?fields=message_template_namespace`.
    func businessAccount(channel: ChannelRecord) async -> Result<CloudBusinessAccount, CloudCallFailure>
    /// `GET /{waba-id}?fields=marketing_messages_onboarding_status`: whether the account may send Marketing Messages.
    func marketingMessagesOnboarding(channel: ChannelRecord) async -> Result<CloudBusinessAccount, CloudCallFailure>
    /// `POST /{waba-id}/message_templates`.
    func createTemplate(_ template: CloudJSON, channel: ChannelRecord) async -> Result<CloudTemplateCreated, CloudCallFailure>
    /// `DELETE /{waba-id}/message_templates?name=…`: every language of the template.
    func deleteTemplate(named name: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure>
}

/// A media download under way: Meta's status and headers, and the body still to be streamed.
public struct MediaDownload: Sendable {
    /// Meta's HTTP status.
    public var status: Int
    public var contentType: String?
    public var contentLength: String?
    public var body: ResponseBody

    public init(status: Int, contentType: String? = nil, contentLength: String? = nil, body: ResponseBody) {
        self.status = status
        self.contentType = contentType
        self.contentLength = contentLength
        self.body = body
    }
}
