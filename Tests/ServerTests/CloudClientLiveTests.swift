import AsyncHTTPClient
import Cloud
import Foundation
import Logging
import OneMsg
import Store
import Testing
import Translation

@testable import Server

/// One named Graph operation of the live client and the HTTP request it must make.
struct GraphOperationCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// `METHOD path` of the first request.
    var upstream: String
    /// Makes the call; answers whether Meta's answer decoded as a success.
    var call: @Sendable (CloudClient, ChannelRecord) async -> Bool

    var testDescription: String { name }

    static func succeeded<Success>(_ result: Result<Success, CloudCallFailure>) -> Bool {
        if case .success = result { true } else { false }
    }

    static let text: CloudMessage = {
        let fields = RequestFields(values: ["phone": .string("12020721369"), "body": .string("hi")])
        return try! SendOperation.sendMessage.translate(fields).message
    }()

    static let marketingTemplate: CloudMessage = {
        let fields = RequestFields(values: [
            "phone": .string("12020721369"), "template": .string("order_update"), "language": .string("en_US"),
            "useMMlite": .bool(true),
        ])
        return try! SendOperation.sendTemplate.translate(fields).message
    }()

    static let pngBytes = Array(
        Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!)
    static let png = UploadedFile(filename: "a.png", contentType: "image/png", bytes: pngBytes)

    static let all: [GraphOperationCase] =
        [
            .init(name: "sendMessage", upstream: "POST /v23.0/1001/messages") { await succeeded($0.sendMessage(text, channel: $1)) },
            .init(name: "sendMarketingMessage", upstream: "POST /v23.0/1001/marketing_messages") {
                await succeeded($0.sendMarketingMessage(marketingTemplate, channel: $1))
            },
            .init(name: "markRead", upstream: "POST /v23.0/1001/messages") {
                await succeeded($0.markRead(.init(messageID: "wamid.IN1", showsTypingIndicator: false), channel: $1))
            },
            .init(name: "uploadMedia", upstream: "POST /v23.0/1001/media") {
                await succeeded($0.uploadMedia(MediaUpload(file: png, mimeType: "image/png", kind: .image), channel: $1))
            },
            .init(name: "mediaInfo", upstream: "GET /v23.0/555001") { await succeeded($0.mediaInfo(id: "555001", channel: $1)) },
            .init(name: "deleteMedia", upstream: "DELETE /v23.0/555001") { await succeeded($0.deleteMedia(id: "555001", channel: $1)) },
            .init(name: "uploadHandle", upstream: "POST /v23.0/424242/uploads") {
                await succeeded($0.uploadHandle(png, mimeType: "image/png", appID: "424242", channel: $1))
            },
            .init(name: "businessProfile", upstream: "GET /v23.0/1001/whatsapp_business_profile") {
                await succeeded($0.businessProfile(channel: $1))
            },
            .init(name: "updateBusinessProfile", upstream: "POST /v23.0/1001/whatsapp_business_profile") {
                await succeeded($0.updateBusinessProfile(["messaging_product": "whatsapp", "about": "Open"], channel: $1))
            },
            .init(name: "phoneNumber", upstream: "GET /v23.0/1001") {
                await succeeded($0.phoneNumber(fields: "display_phone_number", channel: $1))
            },
            .init(name: "commerceSettings", upstream: "GET /v23.0/1001/whatsapp_commerce_settings") {
                await succeeded($0.commerceSettings(channel: $1))
            },
            .init(name: "updateCommerceSettings", upstream: "POST /v23.0/1001/whatsapp_commerce_settings") {
                await succeeded($0.updateCommerceSettings([("is_cart_enabled", "false")], channel: $1))
            },
            .init(name: "changeBlockList (block)", upstream: "POST /v23.0/1001/block_users") {
                await succeeded($0.changeBlockList(blockRequest, blocking: true, channel: $1))
            },
            .init(name: "changeBlockList (unblock)", upstream: "DELETE /v23.0/1001/block_users") {
                await succeeded($0.changeBlockList(blockRequest, blocking: false, channel: $1))
            },
            .init(name: "blockedUsers", upstream: "GET /v23.0/1001/block_users") { await succeeded($0.blockedUsers(channel: $1)) },
            .init(name: "updateConversationalAutomation", upstream: "POST /v23.0/1001/conversational_automation") {
                await succeeded($0.updateConversationalAutomation(["enable_welcome_message": true], channel: $1))
            },
            .init(name: "phoneSettings", upstream: "GET /v23.0/1001/settings") { await succeeded($0.phoneSettings(channel: $1)) },
            .init(name: "updatePhoneSettings", upstream: "POST /v23.0/1001/settings") {
                await succeeded($0.updatePhoneSettings(["calling": ["status": "ENABLED"]], channel: $1))
            },
            .init(name: "callAction", upstream: "POST /v23.0/1001/calls") {
                // The simulator refuses a call while calling is disabled: a Meta answer that decodes is what is tested here.
                if case .failure(.refused(_, let error)) = await $0.callAction(
                    ["messaging_product": "whatsapp", "action": "terminate", "call_id": "wacid.X"], channel: $1)
                {
                    return error.code == 138006
                }
                return false
            },
            .init(name: "businessEncryption", upstream: "GET /v23.0/1001/whatsapp_business_encryption") {
                await succeeded($0.businessEncryption(channel: $1))
            },
            .init(name: "setBusinessPublicKey", upstream: "POST /v23.0/1001/whatsapp_business_encryption") {
                await succeeded($0.setBusinessPublicKey(TestKeys.rsa2048, channel: $1))
            },
            .init(name: "messageTemplates", upstream: "GET /v23.0/2001/message_templates") {
                await succeeded($0.messageTemplates(fields: TemplateController.fields, channel: $1))
            },
            .init(name: "businessAccount", upstream: "GET /v23.0/2001") { await succeeded($0.businessAccount(channel: $1)) },
            .init(name: "marketingMessagesOnboarding", upstream: "GET /v23.0/2001") {
                await succeeded($0.marketingMessagesOnboarding(channel: $1))
            },
            .init(name: "createTemplate", upstream: "POST /v23.0/2001/message_templates") {
                let template: CloudJSON = [
                    "name": "order_ready", "category": "UTILITY", "language": "en_US",
                    "components": [["type": "BODY", "text": "Order {{1}} is ready", "example": ["body_text": [["A-1"]]]]],
                ]
                return await succeeded($0.createTemplate(template, channel: $1))
            },
            .init(name: "deleteTemplate", upstream: "DELETE /v23.0/2001/message_templates") {
                await succeeded($0.deleteTemplate(named: "hello_world", channel: $1))
            },
            .init(name: "groups", upstream: "GET /v23.0/1001/groups") { await succeeded($0.groups(.init(limit: 10), channel: $1)) },
            .init(name: "createGroup", upstream: "POST /v23.0/1001/groups") {
                await succeeded($0.createGroup(["messaging_product": "whatsapp", "subject": "Sales"], channel: $1))
            },
            .init(name: "group", upstream: "GET /v23.0/\(metaGroupID)") {
                await succeeded($0.group(id: metaGroupID, fields: "subject,participants", channel: $1))
            },
            .init(name: "updateGroup", upstream: "POST /v23.0/\(metaGroupID)") {
                await succeeded($0.updateGroup(id: metaGroupID, ["messaging_product": "whatsapp", "subject": "New"], picture: nil, channel: $1))
            },
            .init(name: "updateGroup (picture)", upstream: "POST /v23.0/\(metaGroupID)") {
                let jpeg = UploadedFile(filename: "g.jpg", contentType: "image/jpeg", bytes: SimulatorGroupTests.jpeg(side: 192))
                return await succeeded($0.updateGroup(id: metaGroupID, ["messaging_product": "whatsapp"], picture: jpeg, channel: $1))
            },
            .init(name: "deleteGroup", upstream: "DELETE /v23.0/\(metaGroupID)") { await succeeded($0.deleteGroup(id: metaGroupID, channel: $1)) },
            .init(name: "groupInviteLink", upstream: "GET /v23.0/\(metaGroupID)/invite_link") {
                await succeeded($0.groupInviteLink(id: metaGroupID, channel: $1))
            },
            .init(name: "resetGroupInviteLink", upstream: "POST /v23.0/\(metaGroupID)/invite_link") {
                await succeeded($0.resetGroupInviteLink(id: metaGroupID, channel: $1))
            },
        ] + flowOperations

    static let blockRequest: CloudJSON = ["messaging_product": "whatsapp", "block_users": [["user": "12020721369"]]]
}

@Suite("The live Graph client against the simulator over real HTTP")
struct CloudClientLiveTests {
    @Test(
        ".live: each named operation makes Meta's request with the channel's token and decodes the answer",
        arguments: GraphOperationCase.all)
    func operation(_ operation: GraphOperationCase) async throws {
        let world = try await TestWorld.make()
        world.simulator.addMedia(id: "555001", mimeType: "image/png", bytes: GraphOperationCase.pngBytes)
        GraphOperationCase.addFlows(to: world.simulator)
        world.simulator.addGroup(id: metaGroupID, phoneNumberID: TestWorld.alpha.phoneNumberID)
        let succeeded = try await world.withSimulator { graphURL in
            let client = CloudClient(
                httpClient: .shared, graphURL: LateBoundURL(graphURL), apiVersion: "v23.0", timeout: .seconds(5),
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            return await operation.call(client, TestWorld.alpha)
        }
        #expect(succeeded)
        let requests = world.probe.requests
        #expect(requests.first.map { "\($0.method) \($0.path)" } == operation.upstream)
        #expect(requests.allSatisfy { $0.authorization == "Bearer \(TestWorld.alpha.accessToken)" })
    }
}
