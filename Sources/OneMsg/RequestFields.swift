/// A file part of a multipart/form-data body, or a file decoded from a `data:` URI or downloaded.
public struct UploadedFile: Sendable, Hashable {
    /// Where the file's bytes are.
    public enum Contents: Sendable, Hashable {
        /// Small files and data URIs: in memory.
        case bytes([UInt8])
        /// Large multipart parts and downloads: written to a temporary file while they arrived, so that
        /// a 100 MB document never sits in memory; whoever created the file deletes it.
        case spooled(path: String, size: Int)
    }

    /// The file name the client gave, if any.
    public var filename: String?
    /// The part's declared content type, if any.
    public var contentType: String?
    public var contents: Contents
    /// The form field the file arrived in, for error messages.
    public var fieldName: String

    public init(filename: String?, contentType: String?, bytes: [UInt8], fieldName: String = "body") {
        self.init(filename: filename, contentType: contentType, contents: .bytes(bytes), fieldName: fieldName)
    }

    public init(filename: String?, contentType: String?, contents: Contents, fieldName: String = "body") {
        self.filename = filename
        self.contentType = contentType
        self.contents = contents
        self.fieldName = fieldName
    }

    /// The file's size in bytes.
    public var size: Int {
        switch contents {
        case .bytes(let bytes): bytes.count
        case .spooled(_, let size): size
        }
    }
}

/// The fields of a 1MSG request body after lenient decoding, independent of the wire encoding.
///
/// Empty strings are dropped at construction: every 1MSG client that sends `phone=` or `"chatId": ""`
/// means "not set".
public struct RequestFields: Sendable, Hashable {
    /// Named values, without empty strings.
    public private(set) var values: [String: FieldValue]
    /// File parts of a multipart body, by field name.
    public private(set) var files: [String: UploadedFile]
    /// Which encoding the body turned out to be in.
    public var encoding: BodyEncoding

    /// Fields that arrived as empty strings: absent for every rule, except where `""` has a meaning of
    /// its own (`webhookUrl: ""` clears the list).
    public private(set) var clearedFields: Set<String>

    public init(values: [String: FieldValue] = [:], files: [String: UploadedFile] = [:], encoding: BodyEncoding = .empty) {
        self.clearedFields = Set(values.filter { Self.isEmptyString($0.value) }.keys)
        self.values = values.filter { !Self.isEmptyString($0.value) }
        self.files = files
        self.encoding = encoding
    }

    /// The value of a field, `nil` when absent or an empty string.
    public subscript(name: String) -> FieldValue? {
        values[name]
    }

    /// Removes a field and returns its value (used to take the `token` out of a body).
    public mutating func remove(_ name: String) -> FieldValue? {
        values.removeValue(forKey: name)
    }

    /// Sets a field the bridge worked out itself (a username's business-scoped id becomes `bsuid`).
    public mutating func set(_ name: String, to value: FieldValue) {
        values[name] = value
        clearedFields.remove(name)
    }

    private static func isEmptyString(_ value: FieldValue) -> Bool {
        if case .string(let text) = value { return text.isEmpty }
        return false
    }
}

/// The encoding a body was decoded from.
public enum BodyEncoding: String, Sendable, Hashable {
    case empty
    case json
    case form
    case multipart
}
