import Cloud
import Foundation
import Hummingbird
import MultipartKit

/// The simulator's media API: `POST /{version}/{phone-number-id}/media` (multipart upload, Meta's checks
/// of `messaging_product`, `file`, `type` and the size limits) and `DELETE /{version}/{media-id}`.
enum MediaUploads {
    /// Meta's size limits by MIME type prefix, in bytes.
    static func limit(for mimeType: String) -> Int {
        let type = mimeType.lowercased()
        if type == "image/webp" { return 500 * 1024 }
        if type.hasPrefix("image/") { return 5 * 1024 * 1024 }
        if type.hasPrefix("video/") || type.hasPrefix("audio/") { return 16 * 1024 * 1024 }
        return 100 * 1024 * 1024
    }

    static func upload(request: Request, context: BasicRequestContext, state: SimulatorState) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 110 * 1024 * 1024)
        let phoneNumberID = context.parameters.get("objectID") ?? ""
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, authorization: request.headers[.authorization],
            body: Array(buffer: body))
        if let scripted = state.record(recorded) { return CloudSimulator.respond(scripted) }
        guard let number = state.number(phoneNumberID) else {
            return CloudSimulator.error(400, code: 100, "Unsupported post request. Object with ID '\(phoneNumberID)' does not exist")
        }
        guard request.headers[.authorization] == "Bearer \(number.accessToken)" else {
            return CloudSimulator.error(401, code: 190, "Invalid OAuth access token - Cannot parse access token")
        }
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundary = contentType.split(separator: ";").compactMap({ part -> String? in
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                return pair.count == 2 && pair[0].lowercased() == "boundary" ? pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : nil
            }).first
        else {
            return CloudSimulator.error(400, code: 100, "The media upload must be multipart/form-data.")
        }
        guard let parts = parse(Array(buffer: body), boundary: boundary) else {
            return CloudSimulator.error(400, code: 100, "The multipart body is malformed.")
        }
        guard parts.fields["messaging_product"] == "whatsapp" else {
            return CloudSimulator.error(400, code: 100, "The parameter messaging_product is required.")
        }
        guard let file = parts.file else {
            return CloudSimulator.error(400, code: 100, "The parameter file is required.")
        }
        guard let type = parts.fields["type"] ?? file.contentType else {
            return CloudSimulator.error(400, code: 100, "The parameter type is required.")
        }
        guard file.bytes.count <= limit(for: type) else {
            return CloudSimulator.error(400, code: 131053, "Media upload error", details: "File size exceeds the limit for \(type)")
        }
        let id = state.storeUpload(mimeType: type, bytes: file.bytes)
        return CloudSimulator.json200(CloudMediaID(id: id))
    }

    static func delete(request: Request, context: BasicRequestContext, state: SimulatorState) -> Response {
        let id = context.parameters.get("objectID") ?? ""
        _ = state.record(RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, authorization: request.headers[.authorization], body: []))
        guard CloudSimulator.authorized(request, state: state) else {
            return CloudSimulator.error(401, code: 190, "Invalid OAuth access token - Cannot parse access token")
        }
        guard state.removeMedia(id) else {
            return CloudSimulator.error(404, code: 100, "Unsupported delete request. Object with ID '\(id)' does not exist")
        }
        return CloudSimulator.json200(CloudSuccess(success: true))
    }

    struct Parts {
        var fields: [String: String] = [:]
        var file: (contentType: String?, bytes: [UInt8])?
    }

    static func parse(_ body: [UInt8], boundary: String) -> Parts? {
        let parser = MultipartParser(boundary: boundary)
        var parts = Parts()
        var headers: [String: String] = [:]
        var partBody: [UInt8] = []
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in partBody.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"] ?? ""
            let name = disposition.firstMatch(of: /name="([^"]*)"/).map { String($0.1) } ?? ""
            if disposition.contains("filename=") {
                parts.file = (headers["content-type"], partBody)
            } else {
                parts.fields[name] = String(decoding: partBody, as: UTF8.self)
            }
            headers = [:]
            partBody = []
        }
        do {
            try parser.execute(body)
        } catch {
            return nil
        }
        return parts
    }
}
