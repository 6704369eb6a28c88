import Cloud
import Foundation
import OneMsg
import Testing
import Translation

/// One fixture pair from `fixtures/send/`: a 1MSG request as received, and the exact Cloud body
/// (or, for invalid requests, the exact 400 text). A send that uploads a file first also names the
/// upload: `"upload": {"mimeType", "filename" (or null), "size" (bytes), "kind"}`. A send to another Cloud
/// endpoint than `messages` names it: `"cloudEndpoint": "marketing_messages", "cloudMethod": "post"`.
struct SendFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var operation: String
    var contentType: String?
    var body: [UInt8]
    var cloud: FieldValue?
    var error: String?
    /// The expected ``MediaUpload``, as `{mimeType, filename, size, kind}`; `nil` when nothing is uploaded.
    var upload: FieldValue?
    /// The Cloud endpoint the body goes to: `messages` unless the fixture says otherwise.
    var endpoint = "messages"

    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/send")

    static func all() throws -> [SendFixture] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map(load)
    }

    static func load(_ url: URL) throws -> SendFixture {
        guard case .object(let root) = try JSONDecoder().decode(FieldValue.self, from: Data(contentsOf: url)),
            case .object(let request)? = root["request"], case .string(let operation)? = root["operation"]
        else {
            throw FixtureError(file: url.lastPathComponent, reason: "needs operation and request")
        }
        let body: [UInt8]
        if let json = request["json"] {
            body = Array(try JSONEncoder().encode(json))
        } else if case .string(let text)? = request["text"] {
            body = Array(text.utf8)
        } else {
            throw FixtureError(file: url.lastPathComponent, reason: "request needs json or text")
        }
        var error: String?
        if case .string(let text)? = root["error"] { error = text }
        guard root["cloud"] != nil || error != nil else {
            throw FixtureError(file: url.lastPathComponent, reason: "needs cloud or error")
        }
        if let upload = root["upload"] {
            guard root["cloud"] != nil else {
                throw FixtureError(file: url.lastPathComponent, reason: "upload needs a cloud body (a rejection uploads nothing)")
            }
            guard case .object(let members) = upload, Set(members.keys) == ["mimeType", "filename", "size", "kind"] else {
                throw FixtureError(file: url.lastPathComponent, reason: "upload must be {mimeType, filename, size, kind}")
            }
        }
        return SendFixture(
            name: url.deletingPathExtension().lastPathComponent, operation: operation,
            contentType: request["contentType"]?.scalarText, body: body, cloud: root["cloud"], error: error,
            upload: root["upload"], endpoint: root["cloudEndpoint"]?.scalarText ?? "messages")
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var file: String
    var reason: String
    var description: String { "\(file): \(reason)" }
}

@Suite("Send fixture pairs")
struct FixturePairTests {
    @Test("the fixture folder covers every send operation")
    func coverage() throws {
        let operations = Set(try SendFixture.all().map(\.operation))
        #expect(operations == Set(SendOperation.allCases.map(\.rawValue)))
    }

    @Test("1MSG request → exact Cloud body, or the exact 400 text", arguments: try SendFixture.all())
    func translate(fixture: SendFixture) throws {
        let operation = try #require(SendOperation(rawValue: fixture.operation), "unknown operation \(fixture.operation)")
        let fields = try LenientBodyDecoder.decode(body: fixture.body, contentType: fixture.contentType)
        let translated: SendOperation.Translated
        do {
            translated = try operation.translate(fields)
        } catch {
            #expect(fixture.cloud == nil, "unexpected rejection: \(error)")
            #expect("Invalid request: \(error.description)" == fixture.error)
            return
        }
        let encoded = try JSONEncoder().encode(translated.message)
        let actual = try JSONDecoder().decode(FieldValue.self, from: encoded)
        #expect(fixture.error == nil, "expected a rejection")
        #expect(actual == fixture.cloud)
        // The Cloud body also decodes back to the same message.
        #expect(try JSONDecoder().decode(CloudMessage.self, from: encoded) == translated.message)
        // A file to upload first is named by the fixture; every other send uploads nothing.
        #expect(translated.upload.map(Self.describe) == fixture.upload)
        #expect((translated.isMarketingMessage ? "marketing_messages" : "messages") == fixture.endpoint)
    }

    /// An upload as the fixture spells it.
    static func describe(_ upload: MediaUpload) -> FieldValue {
        .object([
            "mimeType": .string(upload.mimeType),
            "filename": upload.file.filename.map(FieldValue.string) ?? .null,
            "size": .number(String(upload.file.size)),
            "kind": .string(upload.kind.rawValue),
        ])
    }
}
