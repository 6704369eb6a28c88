import Foundation
import JSONValue

/// Why a body could not be decoded at all.
public struct BodyDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for a person.
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Decodes 1MSG request bodies the way real 1MSG clients send them, not the way their headers claim.
///
/// - JSON objects, also when labelled `application/x-www-form-urlencoded` (legacy PHP SDK).
/// - Form bodies with or without `;charset=…`; repeated keys become arrays.
/// - `multipart/form-data`: text parts become fields, parts with a file name become ``UploadedFile``s.
/// - An empty body yields no fields (the caller reports the missing ones), whatever the content type.
public enum LenientBodyDecoder {
    public static func decode(body: [UInt8], contentType: String?) throws(BodyDecodingError) -> RequestFields {
        let mediaType = MediaType(contentType)
        guard body.contains(where: { !Self.isWhitespace($0) }) else {
            return RequestFields(encoding: .empty)
        }
        if mediaType.essence == "multipart/form-data" {
            guard let boundary = mediaType.parameters["boundary"], !boundary.isEmpty else {
                throw BodyDecodingError("multipart/form-data body without a boundary parameter")
            }
            return try decodeMultipart(body, boundary: boundary)
        }
        guard String(validating: body, as: UTF8.self) != nil else {
            throw BodyDecodingError("the body is not valid UTF-8")
        }
        let looksLikeJSON = body.first(where: { !Self.isWhitespace($0) }) == UInt8(ascii: "{")
        let declaredJSON = mediaType.essence == "application/json" || mediaType.essence.hasSuffix("+json")
        if looksLikeJSON || declaredJSON {
            guard !JSONNesting.exceeds(JSONNesting.maxDepth, in: body) else {
                throw BodyDecodingError("the JSON body nests arrays and objects deeper than \(JSONNesting.maxDepth) levels")
            }
            do {
                return try decodeJSON(body)
            } catch {
                if declaredJSON { throw error }
                // A form value may legitimately start with "{"; fall through to form decoding.
            }
        }
        return try decodeForm(body)
    }

    static func decodeJSON(_ body: [UInt8]) throws(BodyDecodingError) -> RequestFields {
        let value: FieldValue
        do {
            value = try JSONDecoder().decode(FieldValue.self, from: Data(body))
        } catch {
            throw BodyDecodingError("the body is not valid JSON")
        }
        guard case .object(let members) = value else {
            throw BodyDecodingError("the JSON body must be an object, not \(value.kindName)")
        }
        return RequestFields(values: members, encoding: .json)
    }

    /// Parses `application/x-www-form-urlencoded` text; also used for query strings. A value that is not UTF-8 once
    /// percent-decoded is kept as sent.
    public static func formPairs(_ text: Substring) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let (key, value) = splitPair(pair)
            return (percentDecode(key), percentDecode(value))
        }
    }

    static func decodeForm(_ body: [UInt8]) throws(BodyDecodingError) -> RequestFields {
        var values: [String: FieldValue] = [:]
        for pair in Substring(decoding: body, as: UTF8.self).split(separator: "&", omittingEmptySubsequences: true) {
            let (rawKey, rawValue) = splitPair(pair)
            guard let key = String(validating: percentDecodedBytes(rawKey), as: UTF8.self) else {
                throw BodyDecodingError("a form field name is not valid UTF-8 once percent-decoded")
            }
            guard let value = String(validating: percentDecodedBytes(rawValue), as: UTF8.self) else {
                throw BodyDecodingError("the form field \(key) is not valid UTF-8 once percent-decoded")
            }
            append(.string(value), to: key, in: &values)
        }
        return RequestFields(values: values, encoding: .form)
    }

    private static func splitPair(_ pair: Substring) -> (Substring, Substring) {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (parts[0], parts.count > 1 ? parts[1] : "")
    }

    static func decodeMultipart(_ body: [UInt8], boundary: String) throws(BodyDecodingError) -> RequestFields {
        var parser = MultipartStreamParser(boundary: boundary)
        var parts: [(headers: [String: String], body: [UInt8])] = []
        for event in try parser.feed(body) {
            switch event {
            case .partStart(let headers): parts.append((headers, []))
            case .content(let bytes): parts[parts.count - 1].body.append(contentsOf: bytes)
            case .partEnd: break
            }
        }
        guard parser.isComplete else {
            throw BodyDecodingError("the multipart/form-data body is malformed")
        }
        var values: [String: FieldValue] = [:]
        var files: [String: UploadedFile] = [:]
        for part in parts {
            guard let (name, filename) = partName(disposition: part.headers["content-disposition"]) else { continue }
            if let filename {
                files[name] = UploadedFile(
                    filename: filename.isEmpty ? nil : filename,
                    contentType: part.headers["content-type"],
                    bytes: part.body,
                    fieldName: name
                )
            } else {
                guard let text = String(validating: part.body, as: UTF8.self) else {
                    throw BodyDecodingError("the form field \(name) is not valid UTF-8")
                }
                append(.string(text), to: name, in: &values)
            }
        }
        return RequestFields(values: values, files: files, encoding: .multipart)
    }

    /// The boundary of a `multipart/form-data` content type; `nil` for any other type.
    public static func multipartBoundary(_ contentType: String?) -> String? {
        let mediaType = MediaType(contentType)
        guard mediaType.essence == "multipart/form-data", let boundary = mediaType.parameters["boundary"], !boundary.isEmpty else {
            return nil
        }
        return boundary
    }

    /// The field name and, for file parts, the file name of a multipart part's `Content-Disposition`.
    public static func partName(disposition: String?) -> (name: String, filename: String?)? {
        let parsed = MediaType(disposition)
        guard let name = parsed.parameters["name"] else { return nil }
        return (name, parsed.parameters["filename"])
    }

    /// Adds a value under `key`; a repeated key becomes an array, as form clients mean it.
    public static func append(_ value: FieldValue, to key: String, in values: inout [String: FieldValue]) {
        switch values[key] {
        case nil: values[key] = value
        case .array(let existing): values[key] = .array(existing + [value])
        case let existing?: values[key] = .array([existing, value])
        }
    }

    private static func percentDecode(_ text: Substring) -> String {
        String(validating: percentDecodedBytes(text), as: UTF8.self) ?? text.replacingOccurrences(of: "+", with: " ")
    }

    /// `+` as a space and `%XX` as its byte; a `%` without two hex digits after it stays as it is (real clients
    /// send `100%` unescaped).
    static func percentDecodedBytes(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// A parsed `Content-Type` (or `Content-Disposition`) value: its essence and its parameters.
struct MediaType {
    var essence: String
    var parameters: [String: String]

    init(_ header: String?) {
        let pieces = (header ?? "").split(separator: ";")
        essence = pieces.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        parameters = [:]
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            parameters[key] = value
        }
    }
}
