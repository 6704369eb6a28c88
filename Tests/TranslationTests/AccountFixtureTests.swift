import Cloud
import Foundation
import OneMsg
import Testing
import Translation

/// One fixture pair from `fixtures/account/` (or another folder of the same format), in one of two directions.
///
/// Request direction (1MSG request → Cloud call): `request` (`json`, or `text` with `contentType`) and either
/// `cloudEndpoint` + `cloudMethod` with `cloud` (the exact JSON body) and/or `cloudQuery` (the exact query),
/// plus `uploads` (the files to put through Meta's resumable upload first, `[{field, source}]`); or `error`
/// (the exact 400 text); or `"nothingToUpdate": true` (1MSG's 422).
///
/// Reply direction (Cloud answer → 1MSG reply): `cloudResponse` (Meta's answer; its shape depends on the
/// operation) and `reply` (the exact 1MSG body).
struct AccountFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var operation: String
    var root: [String: FieldValue]

    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/account")

    /// Every fixture of `folder` (`fixtures/account/` unless another folder of the same format is named).
    static func all(in folder: URL = directory) throws -> [AccountFixture] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map { url in
                guard case .object(let root) = try JSONDecoder().decode(FieldValue.self, from: Data(contentsOf: url)),
                    case .string(let operation)? = root["operation"]
                else { throw FixtureError(file: url.lastPathComponent, reason: "needs an operation") }
                return AccountFixture(name: url.deletingPathExtension().lastPathComponent, operation: operation, root: root)
            }
    }

    static var requests: [AccountFixture] { ((try? all()) ?? []).filter { $0.root["reply"] == nil && !$0.isFlowFixture } }
    static var replies: [AccountFixture] { ((try? all()) ?? []).filter { $0.root["reply"] != nil && !$0.isFlowFixture } }
    /// `flow-*.json` pairs are read by ``FlowFixtureTests``.
    var isFlowFixture: Bool { name.hasPrefix("flow-") }

    /// The fixture's 1MSG request as the bridge decodes it.
    func fields() throws -> RequestFields {
        guard case .object(let request)? = root["request"] else {
            throw FixtureError(file: name, reason: "a request fixture needs request")
        }
        if let json = request["json"] {
            return try LenientBodyDecoder.decode(body: Array(try JSONEncoder().encode(json)), contentType: "application/json")
        }
        guard case .string(let text)? = request["text"] else { throw FixtureError(file: name, reason: "request needs json or text") }
        return try LenientBodyDecoder.decode(body: Array(text.utf8), contentType: request["contentType"]?.scalarText)
    }

    /// Checks what `translate` makes of the request against the fixture: the exact 400 text, nothing to update, or
    /// the exact Cloud call.
    func expectCall(_ translate: () throws -> AccountFixtureTests.Call) {
        let actual: AccountFixtureTests.Call
        do {
            actual = try translate()
        } catch let error as ValidationError {
            #expect(root["error"] != nil, "unexpected rejection: \(error)")
            #expect(FieldValue.string("Invalid request: \(error.description)") == root["error"])
            return
        } catch {
            Issue.record("the translation failed: \(error)")
            return
        }
        #expect(root["error"] == nil, "expected a rejection")
        guard let actual else {
            #expect(root["nothingToUpdate"] == .bool(true), "the request named nothing to update")
            return
        }
        #expect(FieldValue.string(actual.endpoint) == root["cloudEndpoint"])
        #expect(FieldValue.string(actual.method) == root["cloudMethod"])
        #expect(actual.body == root["cloud"])
        #expect(actual.query == root["cloudQuery"])
        #expect(actual.uploads == root["uploads"])
    }

    /// `cloudResponse` decoded as Meta's type `T`, or the member `key` of it.
    func cloudResponse<T: Decodable>(_ type: T.Type, _ key: String? = nil) throws -> T {
        var value = root["cloudResponse"]
        if let key { value = value?[key] }
        return try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value ?? .null))
    }
}

@Suite("Account fixture pairs")
struct AccountFixtureTests {
    static let requestOperations: Set = [
        "setMe", "addTemplate", "removeTemplate", "setCommerce", "blockUser", "unblockUser", "setConversationalAutomation",
        "updateCallingSettings", "initiateCall", "setWhatsappBusinessEncryption",
    ]
    static let replyOperations: Set = [
        "getMe", "getStatus", "listTemplates", "getCommerce", "blockedUsers", "getConversationalAutomation",
        "getStatistics", "getExtendedStatistics", "getMmLiteStatus", "getCallingSettings", "initiateCall",
        "getWhatsappBusinessEncryption",
    ]

    @Test("statistics months are mm.YYYY in plain digits")
    func statisticsMonths() {
        #expect(StatisticsMonth(oneMsgDate: "03.2022") == StatisticsMonth(year: 2022, month: 3))
        for refused in ["+3.2022", "3.2022", "03.+022", "13.2022", "03.1969", "03-2022", "03.2022.1", ""] {
            #expect(StatisticsMonth(oneMsgDate: refused) == nil, "\(refused)")
        }
    }

    @Test("the fixture folder covers every account translation in its directions")
    func coverage() throws {
        #expect(Set(AccountFixture.requests.map(\.operation)) == Self.requestOperations)
        #expect(Set(AccountFixture.replies.map(\.operation)) == Self.replyOperations)
    }

    @Test("1MSG request → exact Cloud call, or the exact 400 text", arguments: AccountFixture.requests)
    func request(fixture: AccountFixture) throws {
        let fields = try fixture.fields()
        fixture.expectCall { try Self.call(fixture.operation, fields) }
    }

    @Test("Cloud answer → exact 1MSG reply", arguments: AccountFixture.replies)
    func reply(fixture: AccountFixture) throws {
        let reply = try Self.reply(fixture)
        #expect(reply == fixture.root["reply"])
    }

    /// What a request fixture names: the Cloud call, or `nil` when nothing is to be updated.
    typealias Call = (endpoint: String, method: String, body: FieldValue?, query: FieldValue?, uploads: FieldValue?)?

    static func call(_ operation: String, _ fields: RequestFields) throws -> Call {
        switch operation {
        case "setMe":
            guard let update = try ProfileTranslation.update(fields) else { return nil }
            return ("whatsapp_business_profile", "POST", update.profile, nil, update.photo.map { describe([$0]) })
        case "addTemplate":
            let creation = try TemplateCatalogTranslation.creation(fields)
            return ("message_templates", "POST", creation.template, nil, creation.uploads.isEmpty ? nil : describe(creation.uploads))
        case "removeTemplate":
            let name = try TemplateCatalogTranslation.removal(fields)
            return ("message_templates", "DELETE", nil, ["name": .string(name)], nil)
        case "setCommerce":
            let query = try CommerceTranslation.update(fields)
            return (
                "whatsapp_commerce_settings", "POST", nil, .object(Dictionary(uniqueKeysWithValues: query.map { ($0.name, .string($0.value)) })), nil
            )
        case "blockUser", "unblockUser":
            return ("block_users", operation == "blockUser" ? "POST" : "DELETE", try BlockTranslation.request(fields), nil, nil)
        case "setConversationalAutomation":
            return ("conversational_automation", "POST", try AutomationTranslation.update(fields), nil, nil)
        case "updateCallingSettings":
            return ("settings", "POST", try CallingTranslation.settingsUpdate(fields), nil, nil)
        case "initiateCall":
            return ("calls", "POST", try CallingTranslation.callAction(fields), nil, nil)
        case "setWhatsappBusinessEncryption":
            let pem = try EncryptionTranslation.publicKey(fields)
            return ("whatsapp_business_encryption", "POST", ["business_public_key": .string(pem)], nil, nil)
        default:
            throw FixtureError(file: operation, reason: "no request translation for this operation")
        }
    }

    /// Uploads as fixtures spell them: the field, and the URL or the file's type and size.
    static func describe(_ uploads: [HandleUpload]) -> FieldValue {
        .array(
            uploads.map { upload in
                switch upload.source {
                case .url(let url):
                    ["field": .string(upload.field), "url": .string(url)]
                case .file(let file):
                    ["field": .string(upload.field), "mimeType": .string(upload.mimeType(of: file)), "size": .number(String(file.size))]
                }
            })
    }

    static func reply(_ fixture: AccountFixture) throws -> FieldValue {
        switch fixture.operation {
        case "getMe":
            let profile = try fixture.cloudResponse(CloudPage<CloudBusinessProfile>.self, "profile").data.first ?? CloudBusinessProfile()
            return try encoded(ProfileTranslation.me(profile: profile, phoneNumber: try? fixture.cloudResponse(CloudPhoneNumber.self, "phoneNumber")))
        case "getStatus":
            if let status = fixture.root["cloudResponse"]?["httpStatus"]?.text.flatMap(Int.init) {
                let error = try fixture.cloudResponse(CloudErrorEnvelope.self, "body").error
                return try encoded(StatusTranslation.status(after: .refused(httpStatus: status, error: error)))
            }
            return try encoded(StatusTranslation.status(try fixture.cloudResponse(CloudPhoneNumber.self)))
        case "listTemplates":
            let pages = try fixture.cloudResponse([CloudPage<CloudJSON>].self, "pages")
            let namespace = try fixture.cloudResponse(CloudBusinessAccount.self, "account").messageTemplateNamespace ?? ""
            let items = TemplateCatalogTranslation.items(pages.flatMap(\.data), namespace: namespace)
            let fields = fixture.root["request"] == nil ? RequestFields() : try fixture.fields()
            return try encoded(TemplateCatalogTranslation.page(items, fields: fields))
        case "getMmLiteStatus":
            return try encoded(MarketingStatusTranslation.reply(try fixture.cloudResponse(CloudBusinessAccount.self)))
        case "getCommerce":
            return try encoded(CommerceTranslation.reply(try fixture.cloudResponse(CloudPage<CloudCommerceSettings>.self).data))
        case "blockedUsers":
            let pages = try fixture.cloudResponse([CloudPage<CloudBlockedUser>].self, "pages")
            return try encoded(BlockTranslation.blockedUsers(pages.flatMap(\.data)))
        case "getConversationalAutomation":
            return try encoded(AutomationTranslation.reply(try fixture.cloudResponse(CloudPhoneNumber.self).conversationalAutomation))
        case "getCallingSettings":
            return CallingTranslation.settingsReply(try fixture.cloudResponse(CloudJSON.self))
        case "initiateCall":
            return CallingTranslation.callReply(try fixture.cloudResponse(CloudJSON.self))
        case "getWhatsappBusinessEncryption":
            return EncryptionTranslation.reply(try fixture.cloudResponse(CloudJSON.self))
        case "getStatistics", "getExtendedStatistics":
            let statuses = try fixture.cloudResponse([CloudWebhookPayload.Status].self, "statuses")
            let prices = PriceTable(prices: try fixture.cloudResponse([String: Double].self, "prices"))
            let first = try #require(fixture.root["from"]?.text.flatMap(StatisticsMonth.init(oneMsgDate:)))
            if fixture.operation == "getStatistics" {
                return try encoded(StatisticsTranslation.statistics(month: first, statuses: statuses, prices: prices))
            }
            let last = try #require(fixture.root["to"]?.text.flatMap(StatisticsMonth.init(oneMsgDate:)))
            return try encoded(StatisticsTranslation.extended(from: first, to: last, statuses: statuses, prices: prices))
        default:
            throw FixtureError(file: fixture.name, reason: "no reply translation for \(fixture.operation)")
        }
    }

    static func encoded(_ value: some Encodable) throws -> FieldValue {
        try JSONDecoder().decode(FieldValue.self, from: JSONEncoder().encode(value))
    }
}
