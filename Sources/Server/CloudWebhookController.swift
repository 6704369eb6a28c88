import Cloud
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
    let metrics: BridgeMetrics
    let maxBodyBytes: Int

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
        let channels: [ChannelRecord]
        do {
            channels = try await store.channels()
        } catch {
            throw BridgeError.storeUnavailable
        }
        let matches = channels.map { constantTimeEquals($0.verifyToken, token) }
        guard matches.contains(true) else {
            return ErrorRendering.response(status: .forbidden, message: "Verification refused")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain"],
            body: .init(byteBuffer: ByteBuffer(string: challenge)))
    }

    /// `POST`: check the signature over the raw bytes, commit them, then answer 200.
    func receive(request: Request, context: BridgeRequestContext) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(limit: maxBodyBytes)
        let body = Array(buffer: buffer)
        guard let payload = try? JSONDecoder().decode(CloudWebhookPayload.self, from: buffer) else {
            metrics.recordInboundWebhook(result: "malformed")
            return ErrorRendering.response(status: .badRequest, message: "Not a WhatsApp webhook payload")
        }
        let signature = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
        let (known, unknownIDs): ([ChannelRecord], [String])
        do {
            (known, unknownIDs) = try await channels(for: payload.phoneNumberIDs)
        } catch {
            throw BridgeError.storeUnavailable
        }
        // With no known number in the payload, any of our app secrets may have signed it.
        let signers = known.isEmpty ? try await allChannels() : known
        let validFor = signers.filter { WebhookSignature.isValid(signature, body: body, appSecret: $0.appSecret) }
        guard !validFor.isEmpty, known.allSatisfy({ channel in validFor.contains { $0.id == channel.id } }) else {
            metrics.recordInboundWebhook(result: "bad_signature")
            context.logger.warning("webhook signature invalid or missing")
            return ErrorRendering.response(status: .unauthorized, message: "Invalid or missing X-Hub-Signature-256")
        }
        do {
            try await store.commitInbound(InboundCommit(payload: body, receivedAt: Date(), unroutablePhoneNumberIDs: unknownIDs))
        } catch {
            metrics.recordInboundWebhook(result: "store_failed")
            throw BridgeError.storeUnavailable
        }
        if !unknownIDs.isEmpty {
            context.logger.warning("webhook for unknown phone number ids", metadata: ["count": "\(unknownIDs.count)"])
            metrics.recordInboundWebhook(result: "unroutable")
        }
        let statuses = payload.entry.flatMap(\.changes).compactMap(\.value.statuses).joined()
        context.logger.info(
            "webhook committed",
            metadata: ["statuses": "\(statuses.count)", "channels": "\(known.map(\.id).joined(separator: ","))"])
        metrics.recordInboundWebhook(result: "accepted")
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }

    private func channels(for phoneNumberIDs: [String]) async throws -> ([ChannelRecord], [String]) {
        var known: [ChannelRecord] = []
        var unknown: [String] = []
        for id in phoneNumberIDs {
            if let channel = try await store.channel(phoneNumberID: id) {
                known.append(channel)
            } else {
                unknown.append(id)
            }
        }
        return (known, unknown)
    }

    private func allChannels() async throws -> [ChannelRecord] {
        do {
            return try await store.channels()
        } catch {
            throw BridgeError.storeUnavailable
        }
    }

    private func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
