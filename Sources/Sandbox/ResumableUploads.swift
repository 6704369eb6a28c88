import Cloud
import Foundation
import Hummingbird

/// Meta's Resumable Upload API: `POST /{version}/{app-id}/uploads?file_name=&file_length=&file_type=`
/// opens a session (`{"id":"upload:…?sig=…"}`), `POST /{version}/upload:…` with `file_offset: 0` and the
/// raw bytes returns the handle (`{"h":"…"}`) that profile pictures and template headers use.
enum ResumableUploads {
    static let fileTypes: Set<String> = ["image/jpeg", "image/jpg", "image/png", "application/pdf", "video/mp4"]
    static let maxLength = 100 * 1024 * 1024

    /// `POST /{version}/{app-id}/uploads`.
    static func start(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        guard !call.objectID.isEmpty, call.objectID.allSatisfy(\.isASCIIDigit) else { throw call.unknownObject }
        try authorize(call, state: state)
        guard let type = call.query("file_type"), fileTypes.contains(type.lowercased()) else {
            throw GraphFailure(400, "Param file_type must be one of {\(fileTypes.sorted().joined(separator: ", "))}")
        }
        guard let text = call.query("file_length"), let length = Int(text), length > 0, length <= maxLength else {
            throw GraphFailure(400, "Param file_length must be a positive integer of at most \(maxLength) bytes")
        }
        let id = "upload:" + randomToken(24)
        let session = UploadSession(fileName: call.query("file_name") ?? "", fileLength: length, fileType: type.lowercased())
        state.withAccounts { $0.uploadSessions[id] = session }
        // Meta's session ids carry a signature query; clients must use the id as given.
        return CloudSimulator.json200(["id": .string("\(id)?sig=\(randomToken(32))")] as CloudJSON)
    }

    /// `POST /{version}/upload:…`: the whole file at offset 0.
    static func upload(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let id = call.objectID.removingPercentEncoding ?? call.objectID
        guard let session = state.withAccounts({ $0.uploadSessions[id] }) else { throw call.unknownObject }
        try authorize(call, state: state)
        guard call.request.headers.first(where: { $0.name.canonicalName == "file_offset" })?.value == "0" else {
            throw GraphFailure(400, "Param file_offset must be 0 for a new upload")
        }
        guard call.body.count == session.fileLength else {
            throw GraphFailure(400, "The upload has \(call.body.count) bytes but file_length was \(session.fileLength)")
        }
        let handle = "4:\(Data(session.fileName.utf8).base64EncodedString()):\(Data(session.fileType.utf8).base64EncodedString()):\(randomToken(40))"
        let file = SimulatedMedia(mimeType: session.fileType, bytes: call.body)
        state.withAccounts { accounts in
            accounts.uploadSessions[id]?.handle = handle
            accounts.uploadedFiles[handle] = file
        }
        return CloudSimulator.json200(["h": .string(handle)] as CloudJSON)
    }

    /// `GET /{version}/upload:…`: how far the session got.
    static func status(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) -> Response {
        let id = call.objectID.removingPercentEncoding ?? call.objectID
        guard let session = state.withAccounts({ $0.uploadSessions[id] }) else { throw call.unknownObject }
        try authorize(call, state: state)
        let offset = session.handle == nil ? 0 : session.fileLength
        return CloudSimulator.json200(["id": .string(id), "file_offset": .number(String(offset))] as CloudJSON)
    }

    /// Uploads take the token of any known number, as `Bearer` or as `OAuth` (Meta's documented form).
    static func authorize(_ call: GraphCall, state: SimulatorState) throws(GraphFailure) {
        let header = call.request.headers[.authorization] ?? ""
        let token = header.hasPrefix("OAuth ") ? "Bearer " + header.dropFirst("OAuth ".count) : header
        guard state.knowsAccessToken(token) else { throw .badToken }
    }

    static func randomToken(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in alphabet.randomElement()! })
    }
}

extension SimulatorState {
    /// The file behind a resumable-upload handle this simulator issued, or nil.
    public func uploadedHandle(_ handle: String) -> (mimeType: String, byteCount: Int)? {
        withAccounts { $0.uploadedFiles[handle] }.map { ($0.mimeType, $0.bytes.count) }
    }

    func uploadedFile(_ handle: String) -> SimulatedMedia? {
        withAccounts { $0.uploadedFiles[handle] }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
