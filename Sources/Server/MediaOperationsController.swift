import Cloud
import Foundation
import Hummingbird
import OneMsg
import Store
import Translation

/// `POST /uploadMedia`, `GET /retrieveMedia`, `DELETE /media/{mediaId}` and `POST /deleteMedia`: media the
/// client manages itself, stored at Meta under the channel's phone number.
struct MediaOperationsController: Sendable {
    let graph: any GraphAPI
    let fetcher: RemoteFileFetcher
    let links: MediaLinks
    let metrics: BridgeMetrics

    /// The largest file WhatsApp accepts of any kind (documents).
    static let maxUploadBytes = CloudMessage.MediaKind.document.maxBytes

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.post, "uploadMedia") { _, context in try await upload(context: context) }
        group.oneMsg(.get, "retrieveMedia") { _, context in try await retrieve(context: context) }
        group.oneMsg(.delete, "media/:mediaId") { _, context in
            try await delete(id: context.parameters.get("mediaId") ?? "", context: context)
        }
        group.oneMsg(.post, "deleteMedia") { _, context in
            var reader = FieldReader(context.fields)
            let id = reader.text("mediaId", required: true, maxLength: 256)
            guard let id else { throw BridgeError.invalid(ValidationError(reader.problems)) }
            return try await delete(id: id, context: context)
        }
    }

    /// The file from a multipart part, a `data:` URI, or a URL the bridge downloads (`body` or `url`).
    func upload(context: OneMsgRequestContext) async throws -> UploadMediaReply {
        let channel = context.channel
        let fields = context.fields
        var reader = FieldReader(fields)
        var file: UploadedFile?
        let field = fields["body"] == nil && fields["url"] != nil ? "url" : "body"
        if let part = fields.files["body"] ?? fields.files["file"] ?? fields.files.values.first {
            file = part
        } else if fields[field] != nil {
            switch FileSource.read(fields[field], at: field, reader: &reader) {
            case .file(let decoded)?:
                file = decoded
            case .url(let url)?:
                do {
                    file = try await fetcher.fetch(url, field: field, maxBytes: Self.maxUploadBytes)
                } catch {
                    throw BridgeError.invalid(error)
                }
            case nil:
                break
            }
        } else {
            reader.report("body", "is required: a file URL, a data: URI or a file part")
        }
        guard reader.problems.isEmpty, var file else { throw BridgeError.invalid(ValidationError(reader.problems)) }
        defer { if fields.files.isEmpty { FileSpool.remove([file]) } }
        if file.filename == nil { file.filename = reader.text("filename") }
        let mime = MediaTranslation.uploadMIME(of: file, filename: file.filename)
        let kind = MediaTranslation.kindForMIME(mime) ?? .document
        guard file.size <= kind.maxBytes else {
            throw BridgeError.invalid(
                ValidationError([
                    FieldProblem(
                        field: file.fieldName,
                        rule:
                            "is \(MediaTranslation.megabytes(file.size)); WhatsApp accepts \(kind.rawValue) files up to \(MediaTranslation.megabytes(kind.maxBytes))"
                    )
                ]))
        }
        let outcome = await graph.uploadMedia(MediaUpload(file: file, mimeType: mime, kind: kind), channel: channel)
        metrics.recordUpstream(operation: "uploadMedia", outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success(let media): return UploadMediaReply(mediaId: media.id)
        case .failure(let failure): throw BridgeError.upstream(failure)
        }
    }

    /// Meta's facts about an uploaded file, with a signed bridge link in place of Meta's token-only URL.
    func retrieve(context: OneMsgRequestContext) async throws -> RetrieveMediaReply {
        let channel = context.channel
        var reader = FieldReader(context.fields)
        let id = reader.text("mediaId", required: true, maxLength: 256)
        guard let id else { throw BridgeError.invalid(ValidationError(reader.problems)) }
        let outcome = await graph.mediaInfo(id: id, channel: channel)
        metrics.recordUpstream(operation: "retrieveMedia", outcome: SendController.outcomeLabel(outcome))
        switch outcome {
        case .success(let info):
            return RetrieveMediaReply(
                url: links.url(channelID: channel.id, mediaID: info.id), mimeType: info.mimeType, sha256: info.sha256,
                fileSize: info.fileSize, id: info.id)
        case .failure(let failure): throw BridgeError.upstream(failure, changes: false)
        }
    }

    func delete(id: String, context: OneMsgRequestContext) async throws -> ResultReply {
        let channel = context.channel
        let outcome = await graph.deleteMedia(id: id, channel: channel)
        metrics.recordUpstream(operation: "deleteMedia", outcome: SendController.outcomeLabel(outcome))
        if case .failure(let failure) = outcome { throw BridgeError.upstream(failure) }
        return .success
    }
}
