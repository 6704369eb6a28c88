import Cloud
import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Store

/// Meta's side: the verification handshake and signed event deliveries on `/cloud/webhook`.
///
/// A delivery is acknowledged only after its raw bytes are committed to the store.
struct CloudWebhookController: Sendable {
    let store: any BridgeStore
    let channels: ChannelDirectory
    let metrics: BridgeMetrics
    /// Reads Meta's POSTs within their limits (``BridgeConfiguration/bodyLimit(for:)`` of `POST /cloud/webhook`).
    let bodyReader: RequestBodyReader
    let mediaLinks: MediaLinks
    let signal: DeliverySignal
    /// The cached template lists, dropped for a channel when Meta reports a template status change.
    let templates: TemplateCatalog

    func register(on router: Router<BridgeRequestContext>) {
        router.get("cloud/webhook") { request, _ in try await verify(request: request) }
        router.post("cloud/webhook") { request, context in try await receive(request: request, context: context) }
    }

    /// `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: echo the challenge for a known verify token.
    func verify(request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard query["hub.mode"] == "subscribe", let token = query["hub.verify_token"].map(String.init),
            let challenge = query["hub.challenge"].map(String.init)
        else {
            return ErrorRendering.response(status: .forbidden, message: "Verification refused")
        }
        let known = try await channels.all(fresh: true)
        let matches = known.map { constantTimeEquals($0.verifyToken, token) }
        guard matches.contains(true) else {
            return ErrorRendering.response(status: .forbidden, message: "Verification refused")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain"],
            body: .init(byteBuffer: ByteBuffer(string: challenge)))
    }

    /// `POST`: check the signature over the raw bytes, then decode, commit, and answer 200.
    func receive(request: Request, context: BridgeRequestContext) async throws -> Response {
        let buffer = try await bodyReader.collect(request)
        let body = Array(buffer: buffer)
        let signature = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
        var fresh = false
        var channels = try await self.channels.all()
        var signedBy = Self.channels(channels, signing: body, signature: signature)
        if signedBy.isEmpty, signature != nil {
            // A secret changed or a channel was added a moment ago: check with the channels as stored.
            (fresh, channels) = (true, try await self.channels.all(fresh: true))
            signedBy = Self.channels(channels, signing: body, signature: signature)
        }
        guard !signedBy.isEmpty else { return refuseSignature(context: context) }
        let payload: CloudWebhookPayload
        do {
            payload = try CloudWebhookPayload.decoding(body)
        } catch {
            metrics.recordInboundWebhook(result: "malformed")
            return ErrorRendering.response(status: .badRequest, message: error.description)
        }
        if !fresh, !Set(payload.phoneNumberIDs).isSubset(of: channels.map(\.phoneNumberID)) {
            channels = try await self.channels.all(fresh: true)
            signedBy = Self.channels(channels, signing: body, signature: signature)
        }
        let byNumber = Dictionary(channels.map { ($0.phoneNumberID, $0) }, uniquingKeysWith: { first, _ in first })
        let known = payload.phoneNumberIDs.compactMap { byNumber[$0] }
        let unknownIDs = payload.phoneNumberIDs.filter { byNumber[$0] == nil }
        // Every number the payload names must be one whose app secret signed it.
        guard known.allSatisfy({ channel in signedBy.contains { $0.id == channel.id } }) else {
            return refuseSignature(context: context)
        }
        let routed = Dictionary(known.map { ($0.phoneNumberID, $0) }, uniquingKeysWith: { first, _ in first })
        // Template status changes name a WABA: they go to its channels whose app secret signed the delivery.
        let templateAccounts = ClientEvents.templateStatusAccounts(in: payload)
        let accounts = Dictionary(grouping: signedBy.filter { templateAccounts.contains($0.wabaID) }, by: \.wabaID)
        let result: InboundCommitResult
        do {
            let commit = try ClientEvents.inboundCommit(
                payload: payload, raw: body, channels: routed, accounts: accounts, receivedAt: Date(),
                mediaURL: { channel, media in mediaLinks.url(channelID: channel.id, media: media) })
            result = try await store.commitInbound(commit)
        } catch {
            metrics.recordInboundWebhook(result: "store_failed")
            context.logger.error("webhook commit failed", metadata: ["error": "\(error)"])
            throw BridgeError.storeUnavailable
        }
        if result.queuedDeliveries > 0 { signal.notify() }
        for channel in accounts.values.joined() { await templates.forget(channelID: channel.id, announcingTo: store, logger: context.logger) }
        metrics.recordInboundEvents(result)
        recordChanges(of: payload, logger: context.logger)
        await learnDisplayNumbers(payload: payload, channels: routed, logger: context.logger)
        if !unknownIDs.isEmpty {
            context.logger.warning("webhook for unknown phone number ids", metadata: ["count": "\(unknownIDs.count)"])
            metrics.recordInboundWebhook(result: "unroutable")
        }
        context.logger.info(
            "webhook committed",
            metadata: [
                "messages": "\(result.newMessages)", "statuses": "\(result.newStatuses)", "events": "\(result.newKeyedEvents)",
                "duplicates": "\(result.duplicateMessages + result.duplicateStatuses + result.duplicateKeyedEvents)",
                "queued": "\(result.queuedDeliveries)",
            ])
        metrics.recordInboundWebhook(result: "accepted")
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }

    /// Counts every change by field; one the bridge does not act on is logged (at debug: Meta sends many) and answered
    /// 200 like the rest, since Meta retries anything else for days.
    private func recordChanges(of payload: CloudWebhookPayload, logger: Logger) {
        for change in payload.entry.flatMap(\.changes) {
            metrics.recordMetaChange(field: change.field)
            if !ClientEvents.handledFields.contains(change.field) {
                logger.debug("webhook change ignored", metadata: ["field": "\(change.field)"])
            }
        }
    }

    /// Keeps each channel's display number (the `author` of echoes) as Meta reports it.
    private func learnDisplayNumbers(payload: CloudWebhookPayload, channels: [String: ChannelRecord], logger: Logger) async {
        for metadata in payload.entry.flatMap(\.changes).compactMap(\.value.metadata) {
            guard let number = metadata.displayPhoneNumber?.filter(\.isNumber), !number.isEmpty,
                let channel = channels[metadata.phoneNumberID], channel.settings.displayPhoneNumber != number
            else { continue }
            do {
                _ = try await self.channels.updateSettings(of: channel.id) { $0.displayPhoneNumber = number }
            } catch {
                logger.warning("could not store the display number", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The channels whose app secret made `signature` over `body`; each distinct secret is checked once.
    static func channels(_ channels: [ChannelRecord], signing body: [UInt8], signature: String?) -> [ChannelRecord] {
        guard signature != nil else { return [] }
        var verdicts: [String: Bool] = [:]
        return channels.filter { channel in
            if let verdict = verdicts[channel.appSecret] { return verdict }
            let verdict = WebhookSignature.isValid(signature, body: body, appSecret: channel.appSecret)
            verdicts[channel.appSecret] = verdict
            return verdict
        }
    }

    private func refuseSignature(context: BridgeRequestContext) -> Response {
        metrics.recordInboundWebhook(result: "bad_signature")
        context.logger.warning("webhook signature invalid or missing")
        return ErrorRendering.response(status: .unauthorized, message: "Invalid or missing X-Hub-Signature-256")
    }
}
