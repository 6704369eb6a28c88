import Cloud
import Foundation
import OneMsg
import Testing
import Translation

@Suite("Cloud answers → 1MSG send replies")
struct ReplyTranslationTests {
    let recipient = Recipient.individual("12020721369")

    @Test("an accepted send is sent:true with the wamid and 1MSG's texts")
    func accepted() {
        let reply = ReplyTranslation.sendReply(
            .success(CloudSendResponse(contacts: [.init(input: "12020721369", waID: "12020721369")], messages: [.init(id: "wamid.A1")])),
            recipient: recipient)
        #expect(
            reply
                == SendReply(
                    sent: true, id: "wamid.A1", message: "Sent to 12020721369@c.us",
                    description: "Message has been sent to the provider"))
    }

    @Test(
        "Meta refusals keep Meta's code and say what to do",
        arguments: [
            (131047, "send a template"),
            (131026, "not be on WhatsApp"),
            (190, "access token has expired"),
            (130429, "Rate limited"),
            (131056, "Rate limited"),
            (100, "Invalid parameter: Parameter to must be a phone number"),
            (131030, "allowed list"),
            (987654, "Something odd happened"),
        ])
    func refused(code: Int, phrase: String) {
        let error = CloudError(
            code: code, message: "(#\(code)) Title",
            details: code == 100 ? "Parameter to must be a phone number" : (code == 987654 ? "Something odd happened" : nil))
        let reply = ReplyTranslation.sendReply(.failure(.refused(httpStatus: 400, error: error)), recipient: recipient)
        #expect(reply.sent == false)
        #expect(reply.id == nil)
        #expect(reply.message.hasPrefix("\(code): "))
        #expect(reply.message.contains(phrase), "\(reply.message)")
        #expect(reply.code == code, "a refusal carries Meta's code beside the message")
    }

    @Test("an error Meta explains only in error_user_msg (Flows, Groups) shows that explanation after its title")
    func userMessage() {
        var error = CloudError(code: 139001, message: "(#139001) Flow cannot be deleted")
        error.errorUserMessage = "Only flows in DRAFT status can be deleted."
        let text = ReplyTranslation.operationFailure(.refused(httpStatus: 400, error: error), changes: true)
        #expect(text.contains("139001: Flow cannot be deleted: Only flows in DRAFT status can be deleted."), "\(text)")
    }

    @Test(
        "the codes Meta added get advice a person can act on, not Meta's title",
        arguments: [
            (131037, "approved display name"),
            (131062, "send it to the customer's phone number"),
            (131063, "Marketing templates are disabled on the Cloud API"),
            (131064, "Correct the template categories in WhatsApp Manager"),
            (137000, "identity key no longer matches"),
            (130497, "restricted from messaging users in this country"),
        ])
    func newCodes(code: Int, phrase: String) throws {
        let error = CloudError(code: code, message: "(#\(code)) Meta's title", details: "Meta's details")
        let reply = ReplyTranslation.failureReply(.refused(httpStatus: 400, error: error))
        #expect(reply.sent == false)
        #expect(reply.code == code)
        #expect(reply.message.hasPrefix("\(code): "))
        #expect(reply.message.contains(phrase), "\(reply.message)")
        #expect(!reply.message.contains("Meta's details") && !reply.message.contains("Meta's title"), "\(reply.message)")
        let json = try #require(String(data: JSONEncoder().encode(reply), encoding: .utf8))
        #expect(json.contains(#""code":\#(code)"#), "\(json)")
    }

    @Test("transport failures say whether anything was sent, and carry no Meta code")
    func transport() throws {
        let unreachable = ReplyTranslation.failureReply(.unreachable(reason: "connection refused"))
        #expect(unreachable.sent == false)
        #expect(unreachable.message.contains("nothing was sent"))
        let timeout = ReplyTranslation.failureReply(.timedOut(seconds: 30))
        #expect(timeout.message.contains("within 30 s"))
        #expect(timeout.message.contains("outcome is unknown"))
        let interrupted = ReplyTranslation.failureReply(.interrupted(reason: "connection closed"))
        #expect(interrupted.message.contains("outcome is unknown"))
        let garbage = ReplyTranslation.failureReply(.unexpectedResponse(httpStatus: 502))
        #expect(garbage.message.contains("HTTP 502"))
        for reply in [unreachable, timeout, interrupted, garbage] {
            #expect(reply.code == nil, "no Meta code without Meta's refusal: \(reply.message)")
            let json = String(decoding: try JSONEncoder().encode(reply), as: UTF8.self)
            #expect(!json.contains("\"code\""), "code is left out, never null: \(json)")
        }
    }

    @Test("an accepted answer without a message id is not reported as sent")
    func noID() {
        let reply = ReplyTranslation.sendReply(.success(CloudSendResponse(contacts: [], messages: [])), recipient: recipient)
        #expect(reply.sent == false)
    }
}
