import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OneMsg
import Store
import Translation

/// The `Idempotency-Key` header of the send operations (beyond 1MSG): the same key on the same channel within
/// 24 hours gets the first reply without a second call to Meta; the same key with another request gets 409.
enum IdempotencyKeyHeader {
    static let name = HTTPField.Name("Idempotency-Key")!
    /// Set on a reply repeated from an earlier request with the same key.
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    /// The key of a request, `nil` without the header; a 400 for one that is empty, longer than 255 characters or not
    /// visible ASCII.
    static func read(_ headers: HTTPFields) throws -> String? {
        guard let key = headers[name] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw BridgeError.invalid(
                ValidationError([FieldProblem(field: "Idempotency-Key", rule: "must be 1 to 255 visible ASCII characters (a UUID, say)")]))
        }
        return key
    }
}

/// What makes two sends "the same request" for an idempotency key: the operation and the Cloud message they translate
/// to (so JSON and form bodies, or `phone` written two ways, that say the same thing match), and the file to upload.
enum SendFingerprint {
    static func of(_ operation: SendOperation, _ translated: SendOperation.Translated) -> String {
        var hash = SHA256()
        hash.update(data: Data(operation.rawValue.utf8))
        hash.update(data: Data((translated.isMarketingMessage ? "|marketing|" : "|messages|").utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        hash.update(data: (try? encoder.encode(translated.message)) ?? Data())
        if let upload = translated.upload {
            hash.update(data: Data("|\(upload.mimeType)|\(upload.file.filename ?? "")|\(upload.file.size)|".utf8))
            // A spooled file is large: its name, type and size stand for it rather than reading it again.
            if case .bytes(let bytes) = upload.file.contents { hash.update(data: Data(SHA256.hash(data: bytes))) }
        }
        return Hex.lowercase(hash.finalize())
    }
}

/// The store side of `Idempotency-Key`, shared by the 1MSG sends and the Cloud surface: claims a key for a request and
/// keeps the answer for its retries.
struct IdempotencyLedger: Sendable {
    let store: any BridgeStore

    /// The answer to a send with an idempotency key: the kept answer of an earlier request with the key; a refusal when
    /// the key came with another request, or while that one may still be under way (for `inFlightLimit`); else
    /// `deliver`'s answer, kept for the retries. A key whose request stopped unanswered gets `interrupted`, kept too.
    func answer(
        key: String, fingerprint: String, channelID: String, inFlightLimit: Duration, logger: Logger,
        interrupted: (_ since: Date) -> SendAnswer, deliver: () async -> SendAnswer
    ) async throws -> SendAnswer {
        switch try await claim(key, fingerprint: fingerprint, channelID: channelID) {
        case .claimed:
            break
        case .answered(let reply):
            return SendAnswer(replaying: reply)
        case .conflict:
            throw BridgeError.idempotencyConflict
        case .pending(let since):
            let age = Date().timeIntervalSince(since)
            if age < inFlightLimit.secondsValue {
                throw BridgeError.idempotentRequestUnderWay(retryAfterSeconds: Int((inFlightLimit.secondsValue - age).rounded(.up)))
            }
            let answer = interrupted(since)
            await keep(answer, for: key, channelID: channelID, logger: logger)
            return answer
        }
        let answer = await deliver()
        await keep(answer, for: key, channelID: channelID, logger: logger)
        return answer
    }

    private func claim(_ key: String, fingerprint: String, channelID: String) async throws -> IdempotencyClaim {
        try await BridgeError.storing {
            try await store.claimIdempotencyKey(channelID: channelID, key: key, fingerprint: fingerprint, now: Date())
        }
    }

    /// Stores the answer for the key's retries, or frees the key when nothing was sent (so a retry may send).
    private func keep(_ answer: SendAnswer, for key: String, channelID: String, logger: Logger) async {
        do {
            if answer.sentNothing {
                try await store.releaseIdempotencyKey(channelID: channelID, key: key)
            } else {
                try await store.recordIdempotentReply(
                    channelID: channelID, key: key, reply: IdempotentReply(status: Int(answer.status.code), body: answer.body))
            }
        } catch {
            // A retry with this key then finds it pending and says the outcome is unknown: honest, if less helpful.
            logger.error("could not keep the reply of a send with an idempotency key", metadata: ["error": "\(error)"])
        }
    }
}
