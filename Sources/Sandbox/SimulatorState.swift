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

/// A request the simulator received, kept so that tests can check what the bridge sent.
public struct RecordedRequest: Sendable, Hashable {
    public var method: String
    public var path: String
    public var authorization: String?
    public var body: [UInt8]
    /// The raw query string (without `?`); empty when there was none.
    public var query: String = ""

    /// The body as a JSON value, for comparisons that ignore key order.
    public var json: Any? {
        try? JSONSerialization.jsonObject(with: Data(body))
    }
}

/// A response the simulator gives instead of its normal answer, for the next matching request.
public enum ScriptedResponse: Sendable, Hashable {
    /// Meta's error envelope with this HTTP status.
    case error(httpStatus: Int, CloudError)
    /// A body that is not JSON, with this HTTP status.
    case garbage(httpStatus: Int)
}

/// The simulator's shared, thread-safe state: known numbers, received requests, scripted answers.
public final class SimulatorState: Sendable {
    private struct Contents {
        var numbers: [String: SimulatedNumber] = [:]
        var requests: [RecordedRequest] = []
        var scripted: [ScriptedResponse] = []
        var wamidCounter = 0
        var media: [String: SimulatedMedia] = [:]
        var accounts = AccountState()
    }

    private let contents = Mutex(Contents())
    /// Where status webhooks go (the bridge's `/cloud/webhook`); no webhooks while unset.
    public let webhookURL = LateBoundURL()

    public init(numbers: [SimulatedNumber] = []) {
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

    /// Every request received so far, oldest first.
    public var requests: [RecordedRequest] {
        contents.withLock { $0.requests }
    }

    /// Makes the next request answer `response` instead of its normal reply.
    public func scriptNext(_ response: ScriptedResponse) {
        contents.withLock { $0.scripted.append(response) }
    }

    func record(_ request: RecordedRequest) -> ScriptedResponse? {
        contents.withLock { contents in
            contents.requests.append(request)
            return contents.scripted.isEmpty ? nil : contents.scripted.removeFirst()
        }
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

/// A URL known only once a server is running (port 0), readable from any thread.
public final class LateBoundURL: Sendable {
    private let value = Mutex<String?>(nil)

    public init(_ url: String? = nil) {
        value.withLock { $0 = url }
    }

    public var url: String? {
        value.withLock { $0 }
    }

    public func set(_ url: String) {
        value.withLock { $0 = url }
    }
}
