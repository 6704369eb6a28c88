import Cloud
import Foundation
import Testing
import Translation

/// One fixture pair from `fixtures/cloud-surface/`: a body a Cloud API client sends to
/// `POST /{phone-number-id}/messages`, and either the body that goes upstream (`cloud`: the same body) or Meta's 400
/// envelope the bridge answers (`status`, `error`; without `fbtrace_id`, which differs every time).
struct CloudSurfaceFixture: Sendable, CustomTestStringConvertible {
    var name: String
    var request: CloudJSON
    var cloud: CloudJSON?
    var error: CloudJSON?

    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/cloud-surface")

    static func all() throws -> [CloudSurfaceFixture] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        return try files.map { url in
            let root = try JSONDecoder().decode(CloudJSON.self, from: Data(contentsOf: url))
            guard let request = root["request"], (root["cloud"] == nil) != (root["error"] == nil) else {
                throw FixtureError(file: url.lastPathComponent, reason: "needs request and one of cloud or error")
            }
            if root["error"] != nil, root["status"] != .number("400") {
                throw FixtureError(file: url.lastPathComponent, reason: "a refusal is a 400: \"status\": 400")
            }
            return CloudSurfaceFixture(
                name: url.deletingPathExtension().lastPathComponent, request: request, cloud: root["cloud"], error: root["error"])
        }
    }
}

@Suite("Cloud surface fixture pairs")
struct CloudSurfaceFixtureTests {
    @Test("the folder has accepted and refused bodies of every message type")
    func coverage() throws {
        let fixtures = try CloudSurfaceFixture.all()
        let accepted = Set(fixtures.compactMap { $0.cloud.flatMap { $0["type"]?.text } })
        #expect(accepted == Set(CloudMessageSchema.messageTypes))
        #expect(fixtures.contains { $0.error != nil && $0.name.contains("read-receipt") })
    }

    @Test("Cloud body → the same body upstream, or Meta's 400 envelope naming the field", arguments: try CloudSurfaceFixture.all())
    func check(fixture: CloudSurfaceFixture) throws {
        let problems = CloudMessageSchema.problems(in: fixture.request)
        if let cloud = fixture.cloud {
            #expect(problems.isEmpty, "unexpected refusal: \(problems)")
            #expect(cloud == fixture.request, "an accepted body goes upstream as it is")
            #expect(CloudSurfaceTranslation.sent(fixture.request) != nil, "every accepted message has a history entry")
            return
        }
        #expect(!problems.isEmpty, "expected a refusal")
        let envelope = try JSONDecoder().decode(
            CloudJSON.self, from: JSONEncoder().encode(CloudErrorEnvelope(error: .invalidParameter(problems, traceID: "trace"))))
        guard case .object(var error)? = envelope["error"] else { throw FixtureError(file: fixture.name, reason: "no error object") }
        #expect(error.removeValue(forKey: "fbtrace_id") == .string("trace"))
        #expect(CloudJSON.object(["error": .object(error)]) == fixture.error)
    }
}
