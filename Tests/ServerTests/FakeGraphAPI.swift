import Cloud
import Foundation
import Hummingbird
import NIOCore
import OneMsg
import Server
import Store
import Synchronization
import Testing
import Translation

/// A Graph API for router tests: it answers only the operations a test set up and records every call. Any other
/// call is a test failure (and a Meta-unreachable answer), so a test also says what must *not* reach Meta.
struct FakeGraphAPI: GraphAPI {
    /// One call the bridge made, with the JSON it would have sent where there is one.
    struct Call: Sendable, Equatable {
        var operation: String
        var channelID: String
        var json: CloudJSON?
    }

    /// Every call so far, oldest first, shared by the copies of this fake.
    final class CallLog: Sendable {
        private let calls = Mutex<[Call]>([])

        var all: [Call] { calls.withLock { $0 } }
        var operations: [String] { all.map(\.operation) }

        func append(_ call: Call) {
            calls.withLock { $0.append(call) }
        }
    }

    let log = CallLog()

    var onSendMessage: @Sendable (CloudMessage) -> Result<CloudSendResponse, CloudCallFailure> = unexpected("sendMessage")
    var onSendMarketingMessage: @Sendable (CloudMessage) -> Result<CloudSendResponse, CloudCallFailure> = unexpected(
        "sendMarketingMessage")
    var onSendCloudMessage: @Sendable (CloudJSON) -> Result<CloudJSON, CloudCallFailure> = unexpected("sendCloudMessage")
    var onMarkRead: @Sendable (CloudReadReceipt) -> Result<CloudSuccess, CloudCallFailure> = unexpected("markRead")
    var onUploadMedia: @Sendable (MediaUpload) -> Result<CloudMediaID, CloudCallFailure> = unexpected("uploadMedia")
    var onMediaInfo: @Sendable (String) -> Result<CloudMediaInfo, CloudCallFailure> = unexpected("mediaInfo")
    var onDeleteMedia: @Sendable (String) -> Result<CloudSuccess, CloudCallFailure> = unexpected("deleteMedia")
    var onDownloadMedia: @Sendable (String) -> MediaDownload? = { url in
        Issue.record("unexpected Graph call: downloadMedia \(url)")
        return nil
    }
    var onUploadHandle: @Sendable (UploadedFile) -> Result<String, CloudCallFailure> = unexpected("uploadHandle")
    var onBusinessProfile: @Sendable () -> Result<CloudBusinessProfile?, CloudCallFailure> = unexpected("businessProfile")
    var onUpdateBusinessProfile: @Sendable (CloudJSON) -> Result<CloudSuccess, CloudCallFailure> = unexpected("updateBusinessProfile")
    var onPhoneNumber: @Sendable (String) -> Result<CloudPhoneNumber, CloudCallFailure> = unexpected("phoneNumber")
    var onCommerceSettings: @Sendable () -> Result<[CloudCommerceSettings], CloudCallFailure> = unexpected("commerceSettings")
    var onUpdateCommerceSettings: @Sendable ([(name: String, value: String)]) -> Result<CloudSuccess, CloudCallFailure> =
        unexpected("updateCommerceSettings")
    var onChangeBlockList: @Sendable (CloudJSON, Bool) -> Result<CloudBlockUsersResult, CloudCallFailure> = unexpected("changeBlockList")
    var onBlockedUsers: @Sendable () -> Result<[CloudBlockedUser], CloudCallFailure> = unexpected("blockedUsers")
    var onUpdateConversationalAutomation: @Sendable (CloudJSON) -> Result<CloudSuccess, CloudCallFailure> =
        unexpected("updateConversationalAutomation")
    var onPhoneSettings: @Sendable () -> Result<CloudJSON, CloudCallFailure> = unexpected("phoneSettings")
    var onUpdatePhoneSettings: @Sendable (CloudJSON) -> Result<CloudSuccess, CloudCallFailure> = unexpected("updatePhoneSettings")
    var onCallAction: @Sendable (CloudJSON) -> Result<CloudJSON, CloudCallFailure> = unexpected("callAction")
    var onBusinessEncryption: @Sendable () -> Result<CloudJSON, CloudCallFailure> = unexpected("businessEncryption")
    var onSetBusinessPublicKey: @Sendable (String) -> Result<CloudSuccess, CloudCallFailure> = unexpected("setBusinessPublicKey")
    var onMessageTemplates: @Sendable () -> Result<[CloudJSON], CloudCallFailure> = unexpected("messageTemplates")
    var onBusinessAccount: @Sendable () -> Result<CloudBusinessAccount, CloudCallFailure> = unexpected("businessAccount")
    var onMarketingMessagesOnboarding: @Sendable () -> Result<CloudBusinessAccount, CloudCallFailure> = unexpected("marketingMessagesOnboarding")
    var onCreateTemplate: @Sendable (CloudJSON) -> Result<CloudTemplateCreated, CloudCallFailure> = unexpected("createTemplate")
    var onDeleteTemplate: @Sendable (String) -> Result<CloudSuccess, CloudCallFailure> = unexpected("deleteTemplate")
    /// The answers of the group operations (``GroupsGraphAPI``).
    var groups = FakeGroupsAnswers()
    /// The answers of the Flows operations (``FlowsGraphAPI``).
    var flows = FakeFlowsAnswers()

    func sendMessage(_ message: CloudMessage, channel: ChannelRecord) async -> Result<CloudSendResponse, CloudCallFailure> {
        record("sendMessage", channel, json: Self.json(message))
        return onSendMessage(message)
    }

    func sendMarketingMessage(_ message: CloudMessage, channel: ChannelRecord) async -> Result<CloudSendResponse, CloudCallFailure> {
        record("sendMarketingMessage", channel, json: Self.json(message))
        return onSendMarketingMessage(message)
    }

    func sendCloudMessage(_ body: CloudJSON, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        record("sendCloudMessage", channel, json: body)
        return onSendCloudMessage(body)
    }

    func markRead(_ receipt: CloudReadReceipt, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("markRead", channel, json: Self.json(receipt))
        return onMarkRead(receipt)
    }

    func uploadMedia(_ upload: MediaUpload, channel: ChannelRecord) async -> Result<CloudMediaID, CloudCallFailure> {
        record("uploadMedia", channel, json: ["type": .string(upload.mimeType)])
        return onUploadMedia(upload)
    }

    func mediaInfo(id: String, channel: ChannelRecord) async -> Result<CloudMediaInfo, CloudCallFailure> {
        record("mediaInfo", channel, json: ["id": .string(id)])
        return onMediaInfo(id)
    }

    func deleteMedia(id: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("deleteMedia", channel, json: ["id": .string(id)])
        return onDeleteMedia(id)
    }

    func downloadMedia(url: String, channel: ChannelRecord) async throws -> MediaDownload {
        record("downloadMedia", channel, json: ["url": .string(url)])
        guard let download = onDownloadMedia(url) else { throw CloudCallFailure.unreachable(reason: "unexpected call in a test") }
        return download
    }

    func uploadHandle(_ file: UploadedFile, mimeType: String, appID: String, channel: ChannelRecord) async -> Result<String, CloudCallFailure> {
        record("uploadHandle", channel, json: ["type": .string(mimeType), "app": .string(appID)])
        return onUploadHandle(file)
    }

    func businessProfile(channel: ChannelRecord) async -> Result<CloudBusinessProfile?, CloudCallFailure> {
        record("businessProfile", channel)
        return onBusinessProfile()
    }

    func updateBusinessProfile(_ profile: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("updateBusinessProfile", channel, json: profile)
        return onUpdateBusinessProfile(profile)
    }

    func phoneNumber(fields: String, channel: ChannelRecord) async -> Result<CloudPhoneNumber, CloudCallFailure> {
        record("phoneNumber", channel, json: ["fields": .string(fields)])
        return onPhoneNumber(fields)
    }

    func commerceSettings(channel: ChannelRecord) async -> Result<[CloudCommerceSettings], CloudCallFailure> {
        record("commerceSettings", channel)
        return onCommerceSettings()
    }

    func updateCommerceSettings(
        _ settings: [(name: String, value: String)], channel: ChannelRecord
    ) async -> Result<CloudSuccess, CloudCallFailure> {
        record("updateCommerceSettings", channel, json: .object(Dictionary(settings.map { ($0.name, .string($0.value)) }) { $1 }))
        return onUpdateCommerceSettings(settings)
    }

    func changeBlockList(_ request: CloudJSON, blocking: Bool, channel: ChannelRecord) async -> Result<CloudBlockUsersResult, CloudCallFailure> {
        record(blocking ? "blockUsers" : "unblockUsers", channel, json: request)
        return onChangeBlockList(request, blocking)
    }

    func blockedUsers(channel: ChannelRecord) async -> Result<[CloudBlockedUser], CloudCallFailure> {
        record("blockedUsers", channel)
        return onBlockedUsers()
    }

    func updateConversationalAutomation(_ automation: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("updateConversationalAutomation", channel, json: automation)
        return onUpdateConversationalAutomation(automation)
    }

    func phoneSettings(channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        record("phoneSettings", channel)
        return onPhoneSettings()
    }

    func updatePhoneSettings(_ settings: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("updatePhoneSettings", channel, json: settings)
        return onUpdatePhoneSettings(settings)
    }

    func callAction(_ action: CloudJSON, channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        record("callAction", channel, json: action)
        return onCallAction(action)
    }

    func businessEncryption(channel: ChannelRecord) async -> Result<CloudJSON, CloudCallFailure> {
        record("businessEncryption", channel)
        return onBusinessEncryption()
    }

    func setBusinessPublicKey(_ pem: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("setBusinessPublicKey", channel, json: ["business_public_key": .string(pem)])
        return onSetBusinessPublicKey(pem)
    }

    func messageTemplates(fields: String, channel: ChannelRecord) async -> Result<[CloudJSON], CloudCallFailure> {
        record("messageTemplates", channel, json: ["fields": .string(fields)])
        return onMessageTemplates()
    }

    func businessAccount(channel: ChannelRecord) async -> Result<CloudBusinessAccount, CloudCallFailure> {
        record("businessAccount", channel)
        return onBusinessAccount()
    }

    func marketingMessagesOnboarding(channel: ChannelRecord) async -> Result<CloudBusinessAccount, CloudCallFailure> {
        record("marketingMessagesOnboarding", channel)
        return onMarketingMessagesOnboarding()
    }

    func createTemplate(_ template: CloudJSON, channel: ChannelRecord) async -> Result<CloudTemplateCreated, CloudCallFailure> {
        record("createTemplate", channel, json: template)
        return onCreateTemplate(template)
    }

    func deleteTemplate(named name: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        record("deleteTemplate", channel, json: ["name": .string(name)])
        return onDeleteTemplate(name)
    }

    func record(_ operation: String, _ channel: ChannelRecord, json: CloudJSON? = nil) {
        log.append(Call(operation: operation, channelID: channel.id, json: json))
    }

    /// `value` as the JSON the live client would send.
    static func json(_ value: some Encodable) -> CloudJSON? {
        guard let data = try? JSONEncoder().encode(value) else { return nil }
        return try? JSONDecoder().decode(CloudJSON.self, from: data)
    }
}

/// An answer for an operation the test did not set up: a recorded test failure.
func unexpected<Input, Success>(_ operation: String) -> @Sendable (Input) -> Result<Success, CloudCallFailure> {
    { _ in
        Issue.record("unexpected Graph call: \(operation)")
        return .failure(.unreachable(reason: "unexpected call in a test"))
    }
}

/// The same for operations without input.
func unexpected<Success>(_ operation: String) -> @Sendable () -> Result<Success, CloudCallFailure> {
    {
        Issue.record("unexpected Graph call: \(operation)")
        return .failure(.unreachable(reason: "unexpected call in a test"))
    }
}

/// Same for two inputs.
func unexpected<First, Second, Success>(_ operation: String) -> @Sendable (First, Second) -> Result<Success, CloudCallFailure> {
    { _, _ in
        Issue.record("unexpected Graph call: \(operation)")
        return .failure(.unreachable(reason: "unexpected call in a test"))
    }
}

extension CloudCallFailure {
    /// Meta's error envelope for a refusal, as a test scripts it.
    static func meta(_ code: Int, _ message: String, httpStatus: Int = 400, details: String? = nil) -> CloudCallFailure {
        .refused(httpStatus: httpStatus, error: CloudError(code: code, message: message, details: details, fbtraceID: "Atrace"))
    }
}

extension FakeGraphAPI {
    /// A Graph API that refuses every operation with `failure`, as Meta does with an expired token.
    static func refusingEverything(with failure: CloudCallFailure) -> FakeGraphAPI {
        var fake = FakeGraphAPI()
        fake.onSendMessage = { _ in .failure(failure) }
        fake.onMarkRead = { _ in .failure(failure) }
        fake.onUploadMedia = { _ in .failure(failure) }
        fake.onMediaInfo = { _ in .failure(failure) }
        fake.onDeleteMedia = { _ in .failure(failure) }
        fake.onUploadHandle = { _ in .failure(failure) }
        fake.onBusinessProfile = { .failure(failure) }
        fake.onUpdateBusinessProfile = { _ in .failure(failure) }
        fake.onPhoneNumber = { _ in .failure(failure) }
        fake.onCommerceSettings = { .failure(failure) }
        fake.onUpdateCommerceSettings = { _ in .failure(failure) }
        fake.onChangeBlockList = { _, _ in .failure(failure) }
        fake.onBlockedUsers = { .failure(failure) }
        fake.onUpdateConversationalAutomation = { _ in .failure(failure) }
        fake.onMessageTemplates = { .failure(failure) }
        fake.onPhoneSettings = { .failure(failure) }
        fake.onUpdatePhoneSettings = { _ in .failure(failure) }
        fake.onCallAction = { _ in .failure(failure) }
        fake.onBusinessEncryption = { .failure(failure) }
        fake.onSetBusinessPublicKey = { _ in .failure(failure) }
        fake.onBusinessAccount = { .failure(failure) }
        fake.onCreateTemplate = { _ in .failure(failure) }
        fake.onMarketingMessagesOnboarding = { .failure(failure) }
        fake.onDeleteTemplate = { _ in .failure(failure) }
        fake.flows = .refusing(with: failure)
        fake.groups = .refusing(with: failure)
        return fake
    }
}

extension FakeGraphAPI {
    /// A Graph API that accepts every message (and read receipt) with a fresh wamid, as Meta does.
    static func acceptingMessages() -> FakeGraphAPI {
        var fake = FakeGraphAPI()
        let serial = Atomic<Int>(0)
        fake.onSendMessage = { _ in
            let number = serial.add(1, ordering: .relaxed).newValue
            return .success(CloudSendResponse(contacts: [], messages: [.init(id: "wamid.FAKE\(number)")]))
        }
        fake.onMarkRead = { _ in .success(CloudSuccess(success: true)) }
        return fake
    }
}

@Suite("The fake Graph API")
struct FakeGraphAPITests {
    @Test("a call the test did not set up fails the test and reaches no one")
    func failsLoudly() async {
        let fake = FakeGraphAPI()
        await withKnownIssue {
            let outcome = await fake.deleteTemplate(named: "hello_world", channel: TestWorld.alpha)
            #expect(outcome == .failure(.unreachable(reason: "unexpected call in a test")))
        }
        #expect(fake.log.operations == ["deleteTemplate"])
    }
}
