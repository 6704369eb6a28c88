import Cloud
import Hummingbird
import OneMsg
import Store
import Translation

/// The channel's own operations: `GET/POST /me`, `GET /status`, `GET/POST /commerce`, `GET /outputIP`,
/// blocking, conversational automation and the business encryption key. Each is one or two Graph calls on the channel's number.
struct AccountController: Sendable {
    let graph: any GraphAPI
    let uploader: HandleUploader
    let metrics: BridgeMetrics
    /// What `GET /outputIP` answers.
    let egress: EgressAddressProbe

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.get, "me") { _, context in try await me(context: context) }
        group.oneMsg(.post, "me") { _, context in try await setMe(context: context) }
        group.oneMsg(.get, "status") { _, context in try await status(context: context) }
        group.oneMsg(.get, "commerce") { _, context in try await commerce(context: context) }
        group.oneMsg(.post, "commerce") { _, context in try await setCommerce(context: context) }
        group.oneMsg(.get, "outputIP") { _, context in try await outputIP(context: context) }
        group.oneMsg(.post, "blockUser") { _, context in try await block(context: context, blocking: true) }
        group.oneMsg(.post, "unblockUser") { _, context in try await block(context: context, blocking: false) }
        group.oneMsg(.get, "blockedUsers") { _, context in try await blockedUsers(context: context) }
        group.oneMsg(.get, "conversationalAutomation") { _, context in try await automation(context: context) }
        group.oneMsg(.get, "mmLiteStatus") { _, context in try await marketingMessagesStatus(context: context) }
        group.oneMsg(.post, "conversationalAutomation") { _, context in try await setAutomation(context: context) }
        group.oneMsg(.get, "whatsapp_business_encryption") { _, context in try await encryption(context: context) }
        group.oneMsg(.post, "whatsapp_business_encryption") { _, context in try await setEncryption(context: context) }
    }

    /// The business profile and the number it belongs to, read side by side.
    func me(context: OneMsgRequestContext) async throws -> MeReply {
        let channel = context.channel
        async let profile = graph.businessProfile(channel: channel)
        async let number = graph.phoneNumber(fields: "display_phone_number", channel: channel)
        let found = try metrics.upstreamResult("getMe", changes: false, await profile) ?? CloudBusinessProfile()
        // The number only adds `phone`; without Meta's answer the one learned from webhooks serves.
        let phoneNumber =
            (try? await number.get())
            ?? channel.settings.displayPhoneNumber.map { CloudPhoneNumber(displayPhoneNumber: $0) }
        return ProfileTranslation.me(profile: found, phoneNumber: phoneNumber)
    }

    func setMe(context: OneMsgRequestContext) async throws -> ResultReply {
        let channel = context.channel
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
            await graph.updateBusinessProfile(profile, channel: channel))
        return .success
    }

    /// Always a 200 with a status: when Meta cannot be asked, `disconnected` with the reason.
    func status(context: OneMsgRequestContext) async throws -> StatusReply {
        let channel = context.channel
        let outcome = await graph.phoneNumber(fields: CloudPhoneNumber.statusFields, channel: channel)
        metrics.recordUpstream(operation: "getStatus", outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success(let number): return StatusTranslation.status(number)
        case .failure(let failure): return StatusTranslation.status(after: failure)
        }
    }

    func commerce(context: OneMsgRequestContext) async throws -> Response {
        let channel = context.channel
        let settings = try metrics.upstreamResult("getCommerce", changes: false, await graph.commerceSettings(channel: channel))
        return try BridgeJSON.response(CommerceTranslation.reply(settings))
    }

    func setCommerce(context: OneMsgRequestContext) async throws -> SuccessReply {
        let channel = context.channel
        let query = try BridgeError.validating { try CommerceTranslation.update(context.fields) }
        let _: CloudSuccess = try metrics.upstreamResult(
            "setCommerce", changes: true,
            await graph.updateCommerceSettings(query.map { ($0.name, $0.value) }, channel: channel))
        return SuccessReply(success: true)
    }

    /// `--egress-ip`, else the local address of the route to the Graph host; 503 when that cannot be found.
    func outputIP(context: OneMsgRequestContext) async throws -> ResultReply {
        switch await egress.find() {
        case .success(let address):
            return ResultReply(result: address)
        case .failure(let unknown):
            context.logger.warning("egress address not found", metadata: ["reason": "\(unknown.reason)"])
            throw BridgeError.unavailable(
                "The address the bridge's requests leave from could not be found (\(unknown.reason)); retry later, or the operator sets it with --egress-ip (BRIDGE_EGRESS_IP)"
            )
        }
    }

    func block(context: OneMsgRequestContext, blocking: Bool) async throws -> ResultReply {
        let channel = context.channel
        let body = try BridgeError.validating { try BlockTranslation.request(context.fields) }
        let operation = blocking ? "blockUser" : "unblockUser"
        let result = try metrics.upstreamResult(
            operation, changes: true, await graph.changeBlockList(body, blocking: blocking, channel: channel))
        if let refusal = BlockTranslation.refusal(in: result) {
            throw BridgeError.upstream(.refused(httpStatus: 400, error: refusal))
        }
        return .success
    }

    func blockedUsers(context: OneMsgRequestContext) async throws -> BlockedUsersReply {
        let channel = context.channel
        let users = try metrics.upstreamResult("blockedUsers", changes: false, await graph.blockedUsers(channel: channel))
        return BlockTranslation.blockedUsers(users)
    }

    func automation(context: OneMsgRequestContext) async throws -> AutomationReply {
        let channel = context.channel
        let number = try metrics.upstreamResult(
            "getConversationalAutomation", changes: false,
            await graph.phoneNumber(fields: "conversational_automation", channel: channel))
        return AutomationTranslation.reply(number.conversationalAutomation)
    }

    func marketingMessagesStatus(context: OneMsgRequestContext) async throws -> MarketingMessagesStatusReply {
        let account = try metrics.upstreamResult(
            "getMmLiteStatus", changes: false, await graph.marketingMessagesOnboarding(channel: context.channel))
        return MarketingStatusTranslation.reply(account)
    }

    func encryption(context: OneMsgRequestContext) async throws -> Response {
        let answer = try metrics.upstreamResult(
            "getWhatsappBusinessEncryption", changes: false, await graph.businessEncryption(channel: context.channel))
        return try BridgeJSON.response(EncryptionTranslation.reply(answer))
    }

    /// The key is checked before Meta is called: a key that is not 2048-bit RSA is a 400 naming the field.
    func setEncryption(context: OneMsgRequestContext) async throws -> SuccessReply {
        let pem = try BridgeError.validating { try EncryptionTranslation.publicKey(context.fields) }
        let _: CloudSuccess = try metrics.upstreamResult(
            "setWhatsappBusinessEncryption", changes: true, await graph.setBusinessPublicKey(pem, channel: context.channel))
        return SuccessReply(success: true)
    }

    /// Meta's refusals come back in 1MSG's legacy wrapper, HTTP 200 `{"response": {"error": …}}`.
    func setAutomation(context: OneMsgRequestContext) async throws -> Response {
        let channel = context.channel
        let body = try BridgeError.validating { try AutomationTranslation.update(context.fields) }
        return try metrics.legacyReply(
            "setConversationalAutomation", await graph.updateConversationalAutomation(body, channel: channel)
        ) { _ in SuccessReply(success: true) }
    }
}

extension MeReply: ResponseEncodable {}
extension StatusReply: ResponseEncodable {}
extension SuccessReply: ResponseEncodable {}
extension BlockedUsersReply: ResponseEncodable {}
extension AutomationReply: ResponseEncodable {}
extension MarketingMessagesStatusReply: ResponseEncodable {}
