import OneMsg

/// A file a client hands over in one of 1MSG's three ways: an http(s) URL the bridge downloads, a
/// `data:<mime>;base64,…` URI, or a multipart file part. Reading it is pure; downloading a URL is the edge's job.
public enum FileSource: Sendable, Hashable {
    /// An http(s) URL; the bridge fetches it under its SSRF rules.
    case url(String)
    /// The bytes are here already (decoded data URI or multipart part).
    case file(UploadedFile)

    /// Reads `field` as a file part of that name, a data URI or a URL; reports a problem when it is none of them.
    public static func read(_ field: String, fields: RequestFields, reader: inout FieldReader) -> FileSource? {
        if let part = fields.files[field] { return .file(part) }
        return read(fields[field], at: field, reader: &reader)
    }

    /// Reads a text value (inside a structure, too) as a data URI or a URL.
    public static func read(_ value: FieldValue?, at path: String, reader: inout FieldReader) -> FileSource? {
        guard let text = reader.text(value, at: path) else { return nil }
        if text.hasPrefix("data:") {
            guard let (file, _) = MediaTranslation.decodeDataURI(text, field: path) else {
                reader.report(path, "is a data: URI that is not data:<mime type>;base64,<data>")
                return nil
            }
            return .file(file)
        }
        guard FieldReader.isWebURL(text) else {
            reader.report(path, "must be an http(s) URL, a data:<mime type>;base64,… URI or a file part")
            return nil
        }
        return .url(text)
    }
}

/// A file to put through Meta's resumable upload, which answers a handle (profile pictures, template examples).
public struct HandleUpload: Sendable, Hashable {
    /// The field the file came from, for error messages.
    public var field: String
    public var source: FileSource
    /// The MIME types Meta accepts here; the file is checked once its bytes are known.
    public var allowedMIMETypes: [String]
    /// The largest file accepted, in bytes.
    public var maxBytes: Int

    public init(field: String, source: FileSource, allowedMIMETypes: [String], maxBytes: Int) {
        self.field = field
        self.source = source
        self.allowedMIMETypes = allowedMIMETypes
        self.maxBytes = maxBytes
    }

    /// The MIME type to upload `file` under (its declared type, else the one its name suggests).
    public func mimeType(of file: UploadedFile) -> String {
        MediaTranslation.uploadMIME(of: file, filename: file.filename).lowercased()
            .split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }

    /// The rule `file` breaks, or `nil` when Meta will take it.
    public func problem(with file: UploadedFile) -> FieldProblem? {
        let mime = mimeType(of: file)
        guard allowedMIMETypes.contains(mime) else {
            return FieldProblem(
                field: field,
                rule: "must be a file of type \(allowedMIMETypes.joined(separator: ", ")) (got \(mime.isEmpty ? "an unknown type" : mime))")
        }
        guard file.size <= maxBytes else {
            return FieldProblem(
                field: field, rule: "is \(MediaTranslation.megabytes(file.size)); at most \(MediaTranslation.megabytes(maxBytes)) is accepted")
        }
        return nil
    }
}
