import Foundation
import JSONValue

extension CloudWebhookPayload {
    /// Why a body POSTed to the webhook is not a payload the bridge can read.
    public struct DecodingFailure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, for the reply to Meta and the log.
        public var description: String
    }

    /// Meta's POST body as a payload, the one way the webhook decodes it: refused before any recursive decoding
    /// when it nests deeper than ``JSONNesting/maxDepth``, or when it is not a WhatsApp webhook payload.
    public static func decoding(_ body: [UInt8]) throws(DecodingFailure) -> CloudWebhookPayload {
        guard !JSONNesting.exceeds(JSONNesting.maxDepth, in: body) else {
            throw DecodingFailure(
                description: "Not a WhatsApp webhook payload: it nests deeper than \(JSONNesting.maxDepth) levels")
        }
        do {
            return try JSONDecoder().decode(CloudWebhookPayload.self, from: Data(body))
        } catch {
            throw DecodingFailure(description: "Not a WhatsApp webhook payload")
        }
    }
}
