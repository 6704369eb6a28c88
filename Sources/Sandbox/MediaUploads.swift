import Cloud
import Foundation
import Hummingbird

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
        let recorded = RecordedRequest(request, body: Array(buffer: body))
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
        _ = state.record(RecordedRequest(request))
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

    /// Splits a multipart body with Foundation's byte search (fast even in debug builds, where a
    /// byte-by-byte parser takes seconds for a large file).
    static func parse(_ body: [UInt8], boundary: String) -> Parts? {
        let data = Data(body)
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var parts = Parts()
        guard var cursor = data.range(of: delimiter)?.upperBound else { return nil }
        while let next = data.range(of: delimiter, in: cursor..<data.endIndex) {
            let part = data[cursor..<next.lowerBound]
            guard let split = part.range(of: headerEnd) else { return nil }
            var headers: [String: String] = [:]
            for line in String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self).split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                if pair.count == 2 { headers[pair[0].lowercased()] = pair[1].trimmingCharacters(in: .whitespaces) }
            }
            // The part's content ends before the CRLF that precedes the next delimiter.
            let content = Array(part[split.upperBound..<max(split.upperBound, part.endIndex - 2)])
            let disposition = headers["content-disposition"] ?? ""
            if disposition.contains("filename=") {
                parts.file = (headers["content-type"], content)
            } else if let name = disposition.firstMatch(of: /name="([^"]*)"/).map({ String($0.1) }) {
                parts.fields[name] = String(decoding: content, as: UTF8.self)
            }
            cursor = next.upperBound
            if data[cursor...].starts(with: Data("--".utf8)) { return parts }
        }
        return nil
    }
}
