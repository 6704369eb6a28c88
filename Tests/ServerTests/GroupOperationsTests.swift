import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OneMsg
import Server
import Testing

/// A group id in Meta's form (base64 of `capi_group:…`).
let metaGroupID = "Y2FwaV9ncm91cDoxNTU1MDAwMTAwMToxMjAzNjMwMDAwMDAwMDAwMDE"

/// One group operation: a valid request, the fake's answer, the Graph operation it must make, and its reply.
struct GroupOperationCase: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    var path: String
    var body: String?
    /// The fake Graph operation the request must make.
    var operation: String
    var answer: @Sendable (inout FakeGroupsAnswers) -> Void
    var check: @Sendable ([String: Any]) -> Bool

    var testDescription: String { "\(method) \(path)" }

    static let link = CloudGroupInviteLink(inviteLink: "https://chat.whatsapp.com/LINK_ID")

    static let all: [GroupOperationCase] = [
        .init(
            method: .get, path: "groups?limit=2", operation: "groups",
            answer: { answers in
                answers.onGroups = { query in
                    #expect(query == CloudGroupListQuery(limit: 2))
                    return .success(
                        CloudGroupList(
                            groups: [["id": .string(metaGroupID), "subject": "Sales", "created_at": "1750269342"]],
                            paging: CloudGroupPaging(cursors: .init(before: "QVFI", after: "QVFJ"), next: "https://graph/next")))
                }
            },
            check: { reply in
                (reply["groups"] as? [[String: Any]])?.first?["id"] as? String == metaGroupID && reply["after"] as? String == "QVFJ"
                    && reply["hasMore"] as? Bool == true && reply["count"] as? Int == 1
            }),
        .init(
            method: .post, path: "groups", body: #"{"groupName": "  Sales  ", "description": "Deals"}"#, operation: "createGroup",
            answer: { answers in
                answers.onCreateGroup = { body in
                    #expect(body == ["messaging_product": "whatsapp", "subject": "Sales", "description": "Deals"])
                    return .success(CloudGroupCreated(requestID: "784D93D0C468593037EA0B1ECA245D9C"))
                }
            },
            check: { reply in
                reply["requestId"] as? String == "784D93D0C468593037EA0B1ECA245D9C" && reply["success"] as? Bool == true
                    && (reply["message"] as? String ?? "").contains("group_lifecycle_update")
            }),
        .init(
            method: .get, path: "groups/\(metaGroupID)@g.us?fields=subject,participants", operation: "group",
            answer: { answers in
                answers.onGroup = { id, fields in
                    #expect(id == metaGroupID && fields == "subject,participants")
                    return .success(["id": .string(id), "subject": "Sales", "participants": [["wa_id": "12020721369"]]])
                }
            },
            check: { reply in reply["id"] as? String == metaGroupID && reply["subject"] as? String == "Sales" }),
        .init(
            method: .post, path: "groups/\(metaGroupID)", body: #"{"subject": "Sales team", "description": ""}"#,
            operation: "updateGroup",
            answer: { answers in
                answers.onUpdateGroup = { id, settings, picture in
                    #expect(id == metaGroupID && picture == nil)
                    #expect(settings == ["messaging_product": "whatsapp", "subject": "Sales team", "description": ""])
                    return .success(CloudGroupChanged(success: true))
                }
            },
            check: { reply in reply["success"] as? Bool == true }),
        .init(
            method: .delete, path: "groups/\(metaGroupID)", operation: "deleteGroup",
            answer: { answers in answers.onDeleteGroup = { _ in .success(CloudGroupChanged(success: true)) } },
            check: { reply in reply["success"] as? Bool == true && (reply["response"] as? [String: Any])?["success"] as? Bool == true }),
        .init(
            method: .get, path: "groups/\(metaGroupID)/inviteLink", operation: "groupInviteLink",
            answer: { answers in answers.onGroupInviteLink = { _ in .success(link) } },
            check: { reply in reply["inviteLink"] as? String == link.inviteLink }),
        .init(
            method: .post, path: "groups/\(metaGroupID)/inviteLink", operation: "resetGroupInviteLink",
            answer: { answers in answers.onResetGroupInviteLink = { _ in .success(link) } },
            check: { reply in reply["inviteLink"] as? String == link.inviteLink }),
    ]
}

@Suite("Group operations: router tests with a fake Graph API, .live ones with the simulator")
struct GroupOperationsTests {
    static func send(
        _ method: HTTPRequest.Method, _ path: String, body: String? = nil, in world: TestWorld, graph: FakeGraphAPI
    ) async throws -> TestResponse {
        try await AccountOperationsTests.send(method, path, body: body, in: world, graph: graph)
    }

    static func json(_ response: TestResponse) -> [String: Any] {
        AccountOperationCase.object(AccountOperationsTests.json(response))
    }

    @Test("valid → the one Graph operation, and the reply the SDK decodes", arguments: GroupOperationCase.all)
    func success(_ operation: GroupOperationCase) async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        operation.answer(&graph.groups)
        let response = try await Self.send(operation.method, operation.path, body: operation.body, in: world, graph: graph)
        #expect(response.status == .ok, "\(response.text)")
        #expect(operation.check(Self.json(response)), "\(response.text)")
        #expect(graph.log.operations == [operation.operation])
        #expect(graph.log.all.first?.channelID == "alpha")
    }

    @Test("Meta refuses → 1MSG's error with Meta's code: an unknown group is the client's 400, a bad token 502", arguments: GroupOperationCase.all)
    func refusal(_ operation: GroupOperationCase) async throws {
        let world = try await TestWorld.make(.memory)
        let unknown = FakeGraphAPI.refusingEverything(with: .meta(131041, "(#131041) Group unknown"))
        var response = try await Self.send(operation.method, operation.path, body: operation.body, in: world, graph: unknown)
        #expect(unknown.log.operations == [operation.operation])
        #expect(response.status == .badRequest, "\(response.text)")
        #expect(response.text.contains("131041"), "\(response.text)")
        let expired = FakeGraphAPI.refusingEverything(with: .meta(190, "Error validating access token", httpStatus: 401))
        response = try await Self.send(operation.method, operation.path, body: operation.body, in: world, graph: expired)
        #expect(response.status == .badGateway, "\(response.text)")
        #expect(response.text.contains("190: The channel's Meta access token has expired or is invalid"), "\(response.text)")
        #expect(!response.text.contains("fbtrace"))
    }

    @Test("Meta's group rate limit (131208) is 429")
    func rateLimit() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI.refusingEverything(with: .meta(131208, "(#131208) Group Rate Limit Hit", httpStatus: 429))
        let response = try await Self.send(.post, "groups", body: #"{"groupName": "Sales"}"#, in: world, graph: graph)
        #expect(response.status == .tooManyRequests, "\(response.text)")
    }

    static let invalidRequests: [(HTTPRequest.Method, String, String?, String)] = [
        (.post, "groups", #"{"description": "no name"}"#, "groupName: is required"),
        (.post, "groups", #"{"groupName": "   "}"#, "groupName: must not be blank"),
        (.post, "groups", #"{"groupName": "\#(String(repeating: "x", count: 129))"}"#, "groupName: must be at most 128 characters"),
        (.post, "groups", #"{"groupName": "x", "joinApprovalMode": "never"}"#, "joinApprovalMode: must be one of"),
        (.get, "groups?limit=0", nil, "limit: must be between 1 and 1024"),
        (.get, "groups?limit=2000", nil, "limit: must be between 1 and 1024"),
        (.get, "groups?before=a&after=b", nil, "before: and after cannot both be given"),
        (.get, "groups/abc.def", nil, "groupId: must be a group id from GET /groups"),
        (.get, "groups/a%2F..%2Fb", nil, "groupId: must be a group id"),
        (.delete, "groups/%40g.us", nil, "groupId: is required"),
        (.get, "groups/\(metaGroupID)?fields=subject,secret", nil, "fields: must be a comma-separated list"),
        (.post, "groups/\(metaGroupID)", #"{"subject": "\#(String(repeating: "x", count: 129))"}"#, "subject: must be at most 128"),
        (
            .post, "groups/\(metaGroupID)", #"{"profile_picture_file": "data:image/png;base64,iVBORw0KGgo="}"#,
            "profile_picture_file: "
        ),
        (.post, "groups/\(metaGroupID)", #"{"profile_picture_file": "ftp://example.com/a.jpg"}"#, "profile_picture_file: must be an http(s) URL"),
        (.post, "groups/bad!/inviteLink", nil, "groupId: must be a group id"),
    ]

    @Test("invalid → 400 naming the field and the rule; nothing goes upstream", arguments: invalidRequests)
    func validation(method: HTTPRequest.Method, path: String, body: String?, problem: String) async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        let response = try await Self.send(method, path, body: body, in: world, graph: graph)
        #expect(response.status == .badRequest, "\(response.text)")
        let error = try #require(response.json["error"] as? String)
        #expect(error.hasPrefix("Invalid request: ") && error.contains(problem), "\(error)")
        #expect(graph.log.all.isEmpty)
    }

    @Test("POST /groups/{groupId} with nothing to change → 422, nothing sent")
    func nothingToUpdate() async throws {
        let world = try await TestWorld.make(.memory)
        let graph = FakeGraphAPI()
        let response = try await Self.send(.post, "groups/\(metaGroupID)", body: #"{"unknown": 1}"#, in: world, graph: graph)
        #expect(response.status == .unprocessableContent, "\(response.text)")
        #expect(graph.log.all.isEmpty)
    }

    @Test("a JPEG picture as a data URI goes to Meta as the file of the settings update")
    func pictureDataURI() async throws {
        let world = try await TestWorld.make(.memory)
        var graph = FakeGraphAPI()
        let jpeg = SimulatorGroupTests.jpeg(side: 192)
        graph.groups.onUpdateGroup = { _, settings, picture in
            #expect(settings == ["messaging_product": "whatsapp"])
            #expect(picture?.size == jpeg.count)
            return .success(CloudGroupChanged(success: nil))
        }
        let body = #"{"profile_picture_file": "data:image/jpeg;base64,\#(Data(jpeg).base64EncodedString())"}"#
        let response = try await Self.send(.post, "groups/\(metaGroupID)", body: body, in: world, graph: graph)
        #expect(response.status == .ok, "\(response.text)")
        #expect(Self.json(response)["success"] as? Bool == true)
        #expect(graph.log.operations == ["updateGroup"])
    }

    @Test(".live: create, list, read, rename with a picture, invite links, delete; then the group is unknown (Meta's 131041)")
    func lifecycle() async throws {
        let world = try await TestWorld.make()
        let picture = Data(SimulatorGroupTests.jpeg(side: 640)).base64EncodedString()
        let replies = try await world.withSimulator { graphURL in
            let app = try await buildApplication(world.configuration(graphURL: graphURL))
            return try await app.test(.live) { client in
                func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws -> (HTTPResponse.Status, String) {
                    let response = try await client.execute(
                        uri: "/alpha/\(path)\(path.contains("?") ? "&" : "?")token=\(TestWorld.alphaToken)", method: method,
                        headers: [.contentType: "application/json"], body: body.map { ByteBuffer(string: $0) })
                    return (response.status, String(buffer: response.body))
                }
                var replies: [(HTTPResponse.Status, String)] = []
                replies.append(try await call(.post, "groups", #"{"groupName": "Sales", "description": "Deals"}"#))
                let listed = try await call(.get, "groups?limit=5")
                replies.append(listed)
                let groups = (try JSONSerialization.jsonObject(with: Data(listed.1.utf8)) as? [String: Any])?["groups"] as? [[String: Any]]
                let id = try #require(groups?.first?["id"] as? String)
                replies.append(try await call(.get, "groups/\(id)@g.us"))
                replies.append(
                    try await call(.post, "groups/\(id)", #"{"subject": "Sales team", "profile_picture_file": "data:image/jpeg;base64,\#(picture)"}"#)
                )
                replies.append(try await call(.get, "groups/\(id)?fields=subject"))
                replies.append(try await call(.get, "groups/\(id)/inviteLink"))
                replies.append(try await call(.post, "groups/\(id)/inviteLink"))
                replies.append(try await call(.delete, "groups/\(id)"))
                replies.append(try await call(.get, "groups/\(id)"))
                return replies
            }
        }
        #expect(replies.prefix(8).allSatisfy { $0.0 == .ok }, "\(replies)")
        #expect(replies[0].1.contains("requestId"))
        #expect(replies[1].1.contains(#""subject":"Sales""#))
        #expect(replies[2].1.contains(#""description":"Deals""#) && replies[2].1.contains(#""total_participant_count":0"#))
        #expect(replies[4].1.contains(#""subject":"Sales team""#))
        #expect(replies[5].1.contains("https://chat.whatsapp.com/") && replies[6].1.contains("https://chat.whatsapp.com/"))
        #expect(replies[5].1 != replies[6].1, "the reset makes a new link")
        #expect(replies[7].1.contains(#""success":true"#))
        #expect(replies[8].0 == .badRequest && replies[8].1.contains("131041"), "\(replies[8])")
        let calls = world.simulator.requests.map { "\($0.method) \($0.path)" }
        #expect(calls.contains("POST /v23.0/1001/groups") && calls.contains("GET /v23.0/1001/groups"), "\(calls)")
    }
}
