import Cloud
import Foundation
import Synchronization

/// A business number the simulator knows, with the credentials Meta would hold for it.
public struct SimulatedNumber: Sendable, Hashable {
    public var phoneNumberID: String
    public var displayPhoneNumber: String
    public var wabaID: String
    public var accessToken: String
    public var appSecret: String

    public init(phoneNumberID: String, displayPhoneNumber: String, wabaID: String, accessToken: String, appSecret: String) {
        self.phoneNumberID = phoneNumberID
        self.displayPhoneNumber = displayPhoneNumber
        self.wabaID = wabaID
        self.accessToken = accessToken
        self.appSecret = appSecret
    }
}

/// A media file the simulator serves.
struct SimulatedMedia: Sendable {
    var mimeType: String
    var bytes: [UInt8]
}

/// The simulator's shared, thread-safe state: known numbers, media, accounts, and the probe tests look through.
public final class SimulatorState: Sendable {
    private struct Contents {
        var numbers: [String: SimulatedNumber] = [:]
        var wamidCounter = 0
        var media: [String: SimulatedMedia] = [:]
        var accounts = AccountState()
    }

    private let contents = Mutex(Contents())
    private let webhookTarget = Mutex<String?>(nil)

    /// Where the simulator posts its signed webhooks (the bridge's `/cloud/webhook`); `nil` until the bridge listens.
    public var webhookURL: String? {
        webhookTarget.withLock { $0 }
    }

    public func setWebhookURL(_ url: String) {
        webhookTarget.withLock { $0 = url }
    }

    /// What tests see of the simulator; `nil` in the sandbox.
    public let probe: SimulatorProbe?

    /// - Parameter probe: records requests and scripts answers, for tests; the sandbox passes none.
    public init(numbers: [SimulatedNumber] = [], probe: SimulatorProbe? = nil) {
        self.probe = probe
        contents.withLock { contents in
            for number in numbers { contents.numbers[number.phoneNumberID] = number }
        }
    }

    public func register(_ number: SimulatedNumber) {
        contents.withLock { $0.numbers[number.phoneNumberID] = number }
    }

    public func number(_ phoneNumberID: String) -> SimulatedNumber? {
        contents.withLock { $0.numbers[phoneNumberID] }
    }

    /// The number registered first (by id order), for requests that name none.
    public var firstNumber: SimulatedNumber? {
        contents.withLock { $0.numbers.values.min { $0.phoneNumberID < $1.phoneNumberID } }
    }

    /// Makes a media file downloadable through the simulated media API.
    public func addMedia(id: String, mimeType: String, bytes: [UInt8]) {
        contents.withLock { $0.media[id] = SimulatedMedia(mimeType: mimeType, bytes: bytes) }
    }

    func media(_ id: String) -> SimulatedMedia? {
        contents.withLock { $0.media[id] }
    }

    /// Keeps an uploaded file under a new numeric media id, as Meta does.
    func storeUpload(mimeType: String, bytes: [UInt8]) -> String {
        let id = String(UInt64.random(in: 1_000_000_000_000_000...9_999_999_999_999_999))
        contents.withLock { $0.media[id] = SimulatedMedia(mimeType: mimeType, bytes: bytes) }
        return id
    }

    /// Deletes a media file; `false` when there was none.
    func removeMedia(_ id: String) -> Bool {
        contents.withLock { $0.media.removeValue(forKey: id) != nil }
    }

    /// Whether a media id exists (uploaded, or added by a test).
    public func hasMedia(_ id: String) -> Bool {
        contents.withLock { $0.media[id] != nil }
    }

    func knowsAccessToken(_ authorization: String) -> Bool {
        contents.withLock { $0.numbers.values.contains { "Bearer \($0.accessToken)" == authorization } }
    }

    /// The numbers of a WhatsApp Business Account.
    func numbers(inWABA wabaID: String) -> [SimulatedNumber] {
        contents.withLock { $0.numbers.values.filter { $0.wabaID == wabaID } }
    }

    /// Reads or changes the profiles, templates, block lists and uploads, atomically.
    func withAccounts<Result: Sendable>(_ body: (inout AccountState) -> Result) -> Result {
        contents.withLock { body(&$0.accounts) }
    }

    /// Every request received so far, oldest first; empty without a probe (the sandbox keeps none).
    public var requests: [RecordedRequest] {
        probe?.requests ?? []
    }

    /// Shows a request to the probe, if any; answers the scripted response that replaces the normal reply.
    func record(_ request: RecordedRequest) -> ScriptedResponse? {
        probe?.record(request)
    }

    func nextWamid() -> String {
        let serial = contents.withLock { contents in
            contents.wamidCounter += 1
            return contents.wamidCounter
        }
        let random = (0..<12).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
        return "wamid.SANDBOX\(serial).\(random)"
    }
}
