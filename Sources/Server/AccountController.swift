import Cloud
import Hummingbird
import OneMsg
import Store
import Translation

/// The channel's own operations: `GET/POST /me`, `GET /status`, `GET/POST /commerce`, `GET /outputIP`,
/// blocking, and conversational automation. Each is one or two Graph calls on the channel's number.
struct AccountController: Sendable {
    let cloud: CloudClient
    let uploader: HandleUploader
    let metrics: BridgeMetrics
    /// What `GET /outputIP` answers; `nil` when the operator has not configured it.
    let egressIP: String?

    func register(on group: RouterGroup<BridgeRequestContext>) {
        group.oneMsg(.get, "me") { _, context in try await me(context: context) }
        group.oneMsg(.post, "me") { _, context in try await setMe(context: context) }
        group.oneMsg(.get, "status") { _, context in try await status(context: context) }
        group.oneMsg(.get, "commerce") { _, context in try await commerce(context: context) }
        group.oneMsg(.post, "commerce") { _, context in try await setCommerce(context: context) }
        group.oneMsg(.get, "outputIP") { _, context in try outputIP(context: context) }
        group.oneMsg(.post, "blockUser") { _, context in try await block(context: context, blocking: true) }
        group.oneMsg(.post, "unblockUser") { _, context in try await block(context: context, blocking: false) }
        group.oneMsg(.get, "blockedUsers") { _, context in try await blockedUsers(context: context) }
        group.oneMsg(.get, "conversationalAutomation") { _, context in try await automation(context: context) }
        group.oneMsg(.post, "conversationalAutomation") { _, context in try await setAutomation(context: context) }
    }

    /// The business profile and the number it belongs to, read side by side.
    func me(context: BridgeRequestContext) async throws -> MeReply {
        let channel = try context.authenticatedChannel()
        async let profilePage: Result<CloudPage<CloudBusinessProfile>, CloudCallFailure> = cloud.get(
            "\(channel.phoneNumberID)/whatsapp_business_profile", query: [("fields", CloudBusinessProfile.fields)],
            channel: channel)
        async let number: Result<CloudPhoneNumber, CloudCallFailure> = cloud.get(
            channel.phoneNumberID, query: [("fields", "display_phone_number")], channel: channel)
        let profile = try metrics.upstreamResult("getMe", changes: false, await profilePage).data.first ?? CloudBusinessProfile()
        // The number only adds `phone`; without Meta's answer the one learned from webhooks serves.
        let phoneNumber = (try? await number.get())
            ?? channel.settings.displayPhoneNumber.map { CloudPhoneNumber(displayPhoneNumber: $0) }
        return ProfileTranslation.me(profile: profile, phoneNumber: phoneNumber)
    }

    func setMe(context: BridgeRequestContext) async throws -> ResultReply {
        let channel = try context.authenticatedChannel()
        let update = try BridgeError.validating { try ProfileTranslation.update(context.fields) }
        guard let update else {
            throw BridgeError.nothingToDo(
                "Nothing to update: send at least one of about, address, description, email, vertical, websites or photo")
        }
        for note in update.notes { context.logger.info("setMe", metadata: ["note": "\(note)"]) }
        var profile = update.profile
        if let photo = update.photo {
            profile = update.withPictureHandle(try await uploader.handles(for: [photo], channel: channel)[0])
        }
        let _: CloudSuccess = try metrics.upstreamResult(
            "setMe", changes: true,
            await cloud.post("\(channel.phoneNumberID)/whatsapp_business_profile", json: profile, channel: channel))
        return .success
    }

    /// Always a 200 with a status: when Meta cannot be asked, `disconnected` with the reason.
    func status(context: BridgeRequestContext) async throws -> StatusReply {
        let channel = try context.authenticatedChannel()
        let outcome: Result<CloudPhoneNumber, CloudCallFailure> = await cloud.get(
            channel.phoneNumberID, query: [("fields", CloudPhoneNumber.statusFields)], channel: channel)
        metrics.recordUpstream(operation: "getStatus", outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success(let number): return StatusTranslation.status(number)
        case .failure(let failure): return StatusTranslation.status(after: failure)
        }
    }

    func commerce(context: BridgeRequestContext) async throws -> Response {
        let channel = try context.authenticatedChannel()
        let page: CloudPage<CloudCommerceSettings> = try metrics.upstreamResult(
            "getCommerce", changes: false, await cloud.get("\(channel.phoneNumberID)/whatsapp_commerce_settings", channel: channel))
        return try BridgeJSON.response(CommerceTranslation.reply(page.data))
    }

    func setCommerce(context: BridgeRequestContext) async throws -> SuccessReply {
        let channel = try context.authenticatedChannel()
        let query = try BridgeError.validating { try CommerceTranslation.update(context.fields) }
        let _: CloudSuccess = try metrics.upstreamResult("setCommerce", changes: true,
            await cloud.post(
                "\(channel.phoneNumberID)/whatsapp_commerce_settings", query: query.map { ($0.name, $0.value) }, channel: channel))
        return SuccessReply(success: true)
    }

    func outputIP(context: BridgeRequestContext) throws -> ResultReply {
        _ = try context.authenticatedChannel()
        guard let egressIP else {
            throw BridgeError.notConfigured(
                "outputIP is not configured: the operator sets the address the bridge's requests leave from with --egress-ip (BRIDGE_EGRESS_IP)")
        }
        return ResultReply(result: egressIP)
    }

    func block(context: BridgeRequestContext, blocking: Bool) async throws -> ResultReply {
        let channel = try context.authenticatedChannel()
        let body = try BridgeError.validating { try BlockTranslation.request(context.fields) }
        let path = "\(channel.phoneNumberID)/block_users"
        let operation = blocking ? "blockUser" : "unblockUser"
        let result: CloudBlockUsersResult = try metrics.upstreamResult(
            operation, changes: true,
            blocking ? await cloud.post(path, json: body, channel: channel) : await cloud.delete(path, json: body, channel: channel))
        if let refusal = BlockTranslation.refusal(in: result) {
            throw BridgeError.upstream(.refused(httpStatus: 400, error: refusal))
        }
        return .success
    }

    func blockedUsers(context: BridgeRequestContext) async throws -> BlockedUsersReply {
        let channel = try context.authenticatedChannel()
        let users: [CloudBlockedUser] = try metrics.upstreamResult(
            "blockedUsers", changes: false, await cloud.allPages("\(channel.phoneNumberID)/block_users", channel: channel))
        return BlockTranslation.blockedUsers(users)
    }

    func automation(context: BridgeRequestContext) async throws -> AutomationReply {
        let channel = try context.authenticatedChannel()
        let number: CloudPhoneNumber = try metrics.upstreamResult("getConversationalAutomation", changes: false,
            await cloud.get(channel.phoneNumberID, query: [("fields", "conversational_automation")], channel: channel))
        return AutomationTranslation.reply(number.conversationalAutomation)
    }

    /// Meta's refusals come back in 1MSG's legacy wrapper, HTTP 200 `{"response": {"error": …}}`.
    func setAutomation(context: BridgeRequestContext) async throws -> Response {
        let channel = try context.authenticatedChannel()
        let body = try BridgeError.validating { try AutomationTranslation.update(context.fields) }
        let outcome: Result<CloudSuccess, CloudCallFailure> = await cloud.post(
            "\(channel.phoneNumberID)/conversational_automation", json: body, channel: channel)
        metrics.recordUpstream(operation: "setConversationalAutomation", outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success: return try BridgeJSON.response(SuccessReply(success: true))
        case .failure(let failure): return try BridgeJSON.response(LegacyErrorReply(error: BridgeError.upstream(failure).message))
        }
    }
}

extension MeReply: ResponseEncodable {}
extension StatusReply: ResponseEncodable {}
extension SuccessReply: ResponseEncodable {}
extension BlockedUsersReply: ResponseEncodable {}
extension AutomationReply: ResponseEncodable {}
