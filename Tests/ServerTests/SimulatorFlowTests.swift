import Foundation
import Hummingbird
import HummingbirdTesting
import Sandbox
import Server
import Testing

@Suite("Flows: the simulator's Flows API, and the bridge's Flows operations against it over real HTTP")
struct SimulatorFlowTests {
    static let valid = #"{"version": "7.2", "screens": [{"id": "WELCOME", "layout": {"type": "SingleColumnLayout", "children": []}}]}"#

    func withGraph(_ body: @Sendable (GraphClient, SimulatorState) async throws -> Void) async throws {
        let world = try await TestWorld.make()
        try await world.withSimulator { base in try await body(GraphClient(base: base), world.simulator) }
    }

    /// A multipart upload of `json` as Meta's Flows API takes it.
    static func assetsBody(_ json: String, assetType: String = "FLOW_JSON") -> (body: [UInt8], headers: [(String, String)]) {
        let text =
            "--B\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nflow.json\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"asset_type\"\r\n\r\n\(assetType)\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"flow.json\"\r\nContent-Type: application/json\r\n\r\n\(json)\r\n--B--\r\n"
        return (Array(text.utf8), [("Content-Type", "multipart/form-data; boundary=B")])
    }

    @Test("Meta's lifecycle: a Flow JSON with errors is kept but not published; only drafts change or go; only published Flows deprecate")
    func lifecycle() async throws {
        try await withGraph { graph, state in
            let created = try await graph.call(
                "POST", "/v23.0/2001/flows",
                json: #"{"name": "Book", "categories": ["OTHER"], "flow_json": "{\"version\": \"7.2\"}", "publish": true}"#)
            #expect(created.status == 200, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect(id.allSatisfy { $0.isNumber })
            let errors = try #require(created.json["validation_errors"] as? [[String: Any]])
            #expect(errors.first?["error"] as? String == "MISSING_REQUIRED_PROPERTY" && errors.first?["line_start"] as? Int == 1)
            #expect(state.flowStatus(id) == "DRAFT")

            let refused = try await graph.call("POST", "/v23.0/\(id)/publish")
            #expect(refused.status == 400 && refused.error["code"] as? Int == 139002, "\(refused.text)")
            let upload = Self.assetsBody(Self.valid)
            let fixed = try await graph.call("POST", "/v23.0/\(id)/assets", body: upload.body, headers: upload.headers)
            #expect(fixed.json["success"] as? Bool == true && (fixed.json["validation_errors"] as? [Any])?.isEmpty == true, "\(fixed.text)")
            let published = try await graph.call("POST", "/v23.0/\(id)/publish")
            #expect(published.json["success"] as? Bool == true, "\(published.text)")

            let update = try await graph.call("POST", "/v23.0/\(id)/assets", body: upload.body, headers: upload.headers)
            #expect(update.error["code"] as? Int == 139001, "\(update.text)")
            let rename = try await graph.call("POST", "/v23.0/\(id)", json: #"{"name": "Other"}"#)
            #expect(rename.error["code"] as? Int == 139001, "\(rename.text)")
            let delete = try await graph.call("DELETE", "/v23.0/\(id)")
            #expect(delete.error["code"] as? Int == 139004, "\(delete.text)")
            let deprecated = try await graph.call("POST", "/v23.0/\(id)/deprecate")
            #expect(deprecated.json["success"] as? Bool == true)
            let again = try await graph.call("POST", "/v23.0/\(id)/deprecate")
            #expect(again.error["code"] as? Int == 139003)
            #expect(state.flowStatus(id) == "DEPRECATED")
        }
    }

    @Test("names are unique per account, categories are Meta's, drafts deprecate no more than they publish without JSON")
    func refusals() async throws {
        try await withGraph { graph, state in
            state.addFlow(id: "7001", wabaID: "2001", name: "Taken")
            let duplicate = try await graph.call("POST", "/v23.0/2001/flows", json: #"{"name": "Taken", "categories": ["OTHER"]}"#)
            #expect(duplicate.status == 400 && duplicate.error["code"] as? Int == 100)
            #expect(duplicate.error["error_user_title"] as? String == "Flow name is not unique")
            let category = try await graph.call("POST", "/v23.0/2001/flows", json: #"{"name": "X", "categories": ["NEWS"]}"#)
            #expect(category.error["code"] as? Int == 100 && "\(category.error["message"] ?? "")".contains("categories"))
            let draft = try await graph.call("POST", "/v23.0/7001/deprecate")
            #expect(draft.error["code"] as? Int == 139003)
            let empty = try await graph.call("POST", "/v23.0/7001/publish")
            #expect(empty.error["code"] as? Int == 139002)
            let badType = Self.assetsBody(Self.valid, assetType: "IMAGE")
            let asset = try await graph.call("POST", "/v23.0/7001/assets", body: badType.body, headers: badType.headers)
            #expect(asset.error["code"] as? Int == 100)
            let field = try await graph.call("GET", "/v23.0/7001?fields=id,colour")
            #expect(field.error["code"] as? Int == 100)
        }
    }

    @Test("another account's token does not reach a Flow; a deleted Flow is gone; the list pages with cursors")
    func ownership() async throws {
        try await withGraph { graph, state in
            state.addFlow(id: "7001", wabaID: "2001", name: "Alpha's")
            state.addFlow(id: "7002", wabaID: "2001", name: "Alpha's second")
            let foreign = try await graph.call("GET", "/v23.0/7001", authorization: "Bearer \(TestWorld.beta.accessToken)")
            #expect(foreign.status == 400 && foreign.error["code"] as? Int == 100)
            let nobody = try await graph.call("POST", "/v23.0/7001/publish", authorization: "Bearer nope")
            #expect(nobody.status == 401 && nobody.error["code"] as? Int == 190)
            let page = try await graph.call("GET", "/v23.0/2001/flows?limit=1")
            #expect((page.json["data"] as? [Any])?.count == 1)
            #expect(((page.json["paging"] as? [String: Any])?["next"] as? String)?.contains("after=") == true)
            let preview = try await graph.call("GET", "/v23.0/7001?fields=preview.invalidate(false)")
            let link = try #require((preview.json["preview"] as? [String: Any])?["preview_url"] as? String)
            let renewed = try await graph.call("GET", "/v23.0/7001?fields=preview.invalidate(true)")
            #expect((renewed.json["preview"] as? [String: Any])?["preview_url"] as? String != link)
            #expect(try await graph.call("DELETE", "/v23.0/7001").json["success"] as? Bool == true)
            #expect(try await graph.call("GET", "/v23.0/7001").status == 404)
            let gone = try await graph.call("DELETE", "/v23.0/7001")
            #expect(gone.status == 404 && gone.error["code"] as? Int == 100, "\(gone.text)")
        }
    }

    @Test(".live: the bridge creates, lists, uploads (multipart flow.json), renames, previews, publishes and deprecates a Flow")
    func throughTheBridge() async throws {
        let world = try await TestWorld.make()
        try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            try await app.test(.live) { client in
                func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws -> TestResponse {
                    try await client.execute(
                        uri: "/alpha/\(path)\(path.contains("?") ? "&" : "?")token=\(TestWorld.alphaToken)", method: method,
                        headers: [.contentType: "application/json"], body: body.map { ByteBuffer(string: $0) })
                }
                let created = try await call(.post, "flows", #"{"name": "Book", "categories": ["OTHER"], "flowJson": {"version": "7.2"}}"#)
                #expect(created.status == .ok, "\(created.text)")
                let id = try #require(created.json["id"] as? String)
                #expect(
                    (created.json["validationErrors"] as? [[String: Any]])?.first?["message"] as? String
                        == #"The property "screens" is required at "$root"."#)
                let refused = try await call(.post, "flows/\(id)/publish")
                #expect(refused.status == .badRequest && (refused.json["error"] as? String)?.hasPrefix("139002: ") == true, "\(refused.text)")
                let assets = try await call(.patch, "flows/\(id)/assets", #"{"flowJson": \#(Self.valid)}"#)
                #expect(assets.json["success"] as? Bool == true && (assets.json["validationErrors"] as? [Any])?.isEmpty == true, "\(assets.text)")
                let renamed = try await call(.patch, "flows/\(id)/metadata", #"{"name": "Book v2", "categories": "survey"}"#)
                #expect(renamed.json["success"] as? Bool == true, "\(renamed.text)")
                let list = try await call(.get, "flows")
                let items = try #require(list.json["items"] as? [[String: Any]])
                #expect(items.map { $0["name"] as? String } == ["Book v2"] && list.json["total"] as? Int == 1)
                let flow = try await call(.get, "flows/\(id)")
                #expect(flow.json["categories"] as? [String] == ["SURVEY"] && flow.json["json_version"] as? String == "7.2", "\(flow.text)")
                let preview = try await call(.get, "flows/\(id)/preview")
                #expect((preview.json["previewUrl"] as? String)?.contains(id) == true && preview.json["expiresAt"] is String)
                #expect(try await call(.post, "flows/\(id)/publish").json["success"] as? Bool == true)
                let delete = try await call(.delete, "flows/\(id)")
                #expect(delete.status == .badRequest && (delete.json["error"] as? String)?.hasPrefix("139004: ") == true, "\(delete.text)")
                #expect(try await call(.post, "flows/\(id)/deprecate").json["success"] as? Bool == true)
            }
        }
        let upload = try #require(world.simulator.requests.first { $0.path.hasSuffix("/assets") })
        let text = String(decoding: upload.body, as: UTF8.self)
        #expect(
            text.contains("name=\"asset_type\"\r\n\r\nFLOW_JSON\r\n") && text.contains("filename=\"flow.json\"\r\nContent-Type: application/json"))
        #expect(text.contains("name=\"name\"\r\n\r\nflow.json\r\n"))
        let create = try #require(world.simulator.requests.first { $0.method == "POST" && $0.path == "/v23.0/2001/flows" })
        #expect((create.json as? [String: Any])?["flow_json"] as? String == #"{"version":"7.2"}"#)
    }
}
