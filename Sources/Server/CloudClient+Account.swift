import AsyncHTTPClient
import Cloud
import Foundation
import NIOCore
import OneMsg
import Store

/// The Graph calls of the channel, profile, template and commerce operations.
extension CloudClient {
    func businessProfile(channel: ChannelRecord) async -> Result<CloudBusinessProfile?, CloudCallFailure> {
        let page: Result<CloudPage<CloudBusinessProfile>, CloudCallFailure> = await get(
            "\(channel.phoneNumberID)/whatsapp_business_profile", query: [("fields", CloudBusinessProfile.fields)],
            channel: channel)
        return page.map(\.data.first)
    }

    func updateBusinessProfile(_ profile: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await post("\(channel.phoneNumberID)/whatsapp_business_profile", json: profile, channel: channel)
    }

    func phoneNumber(fields: String, channel: ChannelRecord) async -> Result<CloudPhoneNumber, CloudCallFailure> {
        await get(channel.phoneNumberID, query: [("fields", fields)], channel: channel)
    }

    func commerceSettings(channel: ChannelRecord) async -> Result<[CloudCommerceSettings], CloudCallFailure> {
        let page: Result<CloudPage<CloudCommerceSettings>, CloudCallFailure> = await get(
            "\(channel.phoneNumberID)/whatsapp_commerce_settings", channel: channel)
        return page.map(\.data)
    }

    func updateCommerceSettings(
        _ settings: [(name: String, value: String)], channel: ChannelRecord
    ) async -> Result<CloudSuccess, CloudCallFailure> {
        await post(
            "\(channel.phoneNumberID)/whatsapp_commerce_settings", query: settings.map { ($0.name, $0.value) }, channel: channel)
    }

    func changeBlockList(
        _ request: CloudJSON, blocking: Bool, channel: ChannelRecord
    ) async -> Result<CloudBlockUsersResult, CloudCallFailure> {
        let path = "\(channel.phoneNumberID)/block_users"
        return blocking ? await post(path, json: request, channel: channel) : await delete(path, json: request, channel: channel)
    }

    func blockedUsers(channel: ChannelRecord) async -> Result<[CloudBlockedUser], CloudCallFailure> {
        await allPages("\(channel.phoneNumberID)/block_users", channel: channel)
    }

    func updateConversationalAutomation(_ automation: CloudJSON, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await post("\(channel.phoneNumberID)/conversational_automation", json: automation, channel: channel)
    }

    func messageTemplates(fields: String, channel: ChannelRecord) async -> Result<[CloudJSON], CloudCallFailure> {
        await allPages("\(channel.wabaID)/message_templates", query: [("fields", fields), ("limit", "100")], channel: channel)
    }

    func businessAccount(channel: ChannelRecord) async -> Result<CloudBusinessAccount, CloudCallFailure> {
        await get(channel.wabaID, query: [("fields", "message_template_namespace")], channel: channel)
    }

    func marketingMessagesOnboarding(channel: ChannelRecord) async -> Result<CloudBusinessAccount, CloudCallFailure> {
        await get(channel.wabaID, query: [("fields", "marketing_messages_onboarding_status")], channel: channel)
    }

    func createTemplate(_ template: CloudJSON, channel: ChannelRecord) async -> Result<CloudTemplateCreated, CloudCallFailure> {
        await post("\(channel.wabaID)/message_templates", json: template, channel: channel)
    }

    func deleteTemplate(named name: String, channel: ChannelRecord) async -> Result<CloudSuccess, CloudCallFailure> {
        await delete("\(channel.wabaID)/message_templates", query: [("name", name)], channel: channel)
    }
}

/// The generic Graph requests the named operations are made of.
extension CloudClient {
    /// `GET /{path}?{query}` answering `Success`.
    func get<Success: Decodable>(
        _ path: String, query: [(String, String)] = [], channel: ChannelRecord
    ) async -> Result<Success, CloudCallFailure> {
        await call(.GET, path: path + Self.queryString(query), body: nil, channel: channel)
    }

    /// `POST /{path}?{query}` with an optional JSON body.
    func post<Success: Decodable>(
        _ path: String, json: CloudJSON? = nil, query: [(String, String)] = [], channel: ChannelRecord
    ) async -> Result<Success, CloudCallFailure> {
        await call(.POST, path: path + Self.queryString(query), body: json.map(Self.jsonBody), channel: channel)
    }

    /// `DELETE /{path}?{query}` with an optional JSON body.
    func delete<Success: Decodable>(
        _ path: String, json: CloudJSON? = nil, query: [(String, String)] = [], channel: ChannelRecord
    ) async -> Result<Success, CloudCallFailure> {
        await call(.DELETE, path: path + Self.queryString(query), body: json.map(Self.jsonBody), channel: channel)
    }

    /// Every item of a Graph list, following `paging.cursors.after` while Meta says there is a next page
    /// (at most `maxPages` pages, a guard against a cursor that never ends).
    func allPages<Item: Decodable & Sendable>(
        _ path: String, query: [(String, String)] = [], channel: ChannelRecord, maxPages: Int = 1000
    ) async -> Result<[Item], CloudCallFailure> {
        var items: [Item] = []
        var after: String?
        for _ in 0..<maxPages {
            let pageQuery = query + (after.map { [("after", $0)] } ?? [])
            let page: Result<CloudPage<Item>, CloudCallFailure> = await get(path, query: pageQuery, channel: channel)
            switch page {
            case .failure(let failure):
                return .failure(failure)
            case .success(let page):
                items += page.data
                guard let next = page.nextCursor, next != after else { return .success(items) }
                after = next
            }
        }
        return .success(items)
    }

    /// Meta's resumable upload: opens a session on the app (`POST /{app-id}/uploads`), sends the bytes
    /// (`POST /{session-id}` with `file_offset: 0`), and answers the file handle.
    func uploadHandle(
        _ file: UploadedFile, mimeType: String, appID: String, channel: ChannelRecord
    ) async -> Result<String, CloudCallFailure> {
        let opened: Result<CloudUploadSession, CloudCallFailure> = await post(
            "\(Self.pathSegment(appID))/uploads",
            query: [("file_name", file.filename ?? "upload"), ("file_length", String(file.size)), ("file_type", mimeType)],
            channel: channel)
        let session: CloudUploadSession
        switch opened {
        case .failure(let failure): return .failure(failure)
        case .success(let opened): session = opened
        }
        // The session id comes from Meta and may carry its own query (`upload:…?sig=…`): it is used as given.
        let sent: Result<CloudUploadHandle, CloudCallFailure> = await call(
            .POST, path: session.id,
            body: RequestBody(
                contentType: mimeType,
                body: .stream(FileSpool.chunks(of: file, between: ByteBuffer(), and: ByteBuffer()), length: .known(Int64(file.size)))),
            channel: channel, headers: [("file_offset", "0")])
        return sent.map(\.h)
    }

    static func jsonBody(_ json: CloudJSON) -> RequestBody {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return .json((try? encoder.encode(json)) ?? Data("{}".utf8))
    }

    /// `?a=1&b=2`, each value percent-encoded; empty without items.
    static func queryString(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "?"
            + items.map { name, value in
                "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }.joined(separator: "&")
    }
}
