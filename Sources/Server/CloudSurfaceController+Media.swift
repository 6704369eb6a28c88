import Cloud
import Foundation
import Hummingbird
import OneMsg
import Translation

/// The Cloud surface's media and template operations: Meta's calls through the Graph port, Meta's answers.
extension CloudSurfaceController {
    /// `POST …/media`: Meta's multipart upload (`file`, `type`, `messaging_product`), passed on; Meta's `{"id"}` back.
    func uploadMedia(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let boundary = LenientBodyDecoder.multipartBoundary(request.headers[.contentType]) else {
            throw CloudSurfaceError.unreadable("the body must be multipart/form-data with file, type and messaging_product")
        }
        let operation = "POST /{phone-number-id}/media"
        let reader = RequestBodyReader(operation: operation, config: config)
        let fields = try await MultipartSpooler.read(request, boundary: boundary, reader: reader)
        defer { FileSpool.remove(fields.files.values) }
        var problems: [CloudMessageSchema.Problem] = []
        if case .string(let product)? = fields["messaging_product"], product != "whatsapp" {
            problems.append(.init(field: "messaging_product", rule: "must be \"whatsapp\""))
        }
        let file = fields.files["file"]
        if file == nil { problems.append(.init(field: "file", rule: "is required: the file part, with its filename and content type")) }
        let declared = fields["type"]?.scalarText.flatMap { $0.isEmpty ? nil : $0 }
        guard problems.isEmpty, let file, let mimeType = declared ?? file.contentType else {
            if problems.isEmpty { problems.append(.init(field: "type", rule: "is required: the file's MIME type (image/jpeg, …)")) }
            throw CloudSurfaceError.invalid(problems)
        }
        let outcome = await graph.uploadMedia(
            MediaUpload(file: file, mimeType: mimeType, kind: MediaTranslation.kindForMIME(mimeType) ?? .document), channel: context.channel)
        metrics.recordUpstream(operation: "cloud.media.upload", outcome: SendController.outcomeLabel(outcome))
        return try CloudSurfaceJSON.response(outcome.get(orThrow: CloudSurfaceError.init))
    }

    /// `GET /{media-id}`: Meta's facts about the file, with a signed bridge link as `url` (Meta's URL needs Meta's
    /// token, which the client does not have; the link streams the file without one).
    func mediaInfo(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try mediaID(request)
        let outcome = await graph.mediaInfo(id: id, channel: context.channel)
        metrics.recordUpstream(operation: "cloud.media.info", outcome: SendController.outcomeLabel(outcome))
        var info = try outcome.get(orThrow: CloudSurfaceError.init)
        info.url = links.url(channelID: context.channel.id, mediaID: id)
        return try CloudSurfaceJSON.response(info)
    }

    /// `DELETE /{media-id}`: Meta's `{"success": true}`.
    func deleteMedia(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try mediaID(request)
        let outcome = await graph.deleteMedia(id: id, channel: context.channel)
        metrics.recordUpstream(operation: "cloud.media.delete", outcome: SendController.outcomeLabel(outcome))
        return try CloudSurfaceJSON.response(outcome.get(orThrow: CloudSurfaceError.init))
    }

    /// `GET /{waba-id}/message_templates`: every template as `{"data": […]}`, with Meta's `fields` and its `name`
    /// (part of the name), `status`, `category` and `language` filters.
    func templates(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let fields = query["fields"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? TemplateController.fields
        let outcome = await graph.messageTemplates(fields: fields, channel: context.channel)
        metrics.recordUpstream(operation: "cloud.templates", outcome: SendController.outcomeLabel(outcome))
        let templates = try outcome.get(orThrow: CloudSurfaceError.init)
        let filters: [(key: String, wanted: String)] = ["name", "status", "category", "language"].compactMap { (key: String) in
            query[Substring(key)].map { (key, String($0)) }
        }
        let kept = templates.filter { template in
            filters.allSatisfy { key, wanted in
                guard let value = template[key]?.text else { return false }
                return key == "name" ? value.localizedCaseInsensitiveContains(wanted) : value.caseInsensitiveCompare(wanted) == .orderedSame
            }
        }
        return try CloudSurfaceJSON.response(["data": CloudJSON.array(kept)])
    }

    /// The media id of a `GET`/`DELETE /[vNN.N/]{media-id}` path (``CloudAuthMiddleware`` checked its shape).
    private func mediaID(_ request: Request) throws -> String {
        guard let path = CloudPath(request.uri.path), path.edge == nil else { throw HTTPError(.notFound) }
        return path.objectID
    }

}

extension Result where Failure == CloudCallFailure {
    /// The success, or the failure made into the error `transform` gives.
    func get<E: Error>(orThrow transform: (CloudCallFailure) -> E) throws(E) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let failure): throw transform(failure)
        }
    }
}
