import Cloud
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
    }

    @Test("transport failures say whether anything was sent")
    func transport() {
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
    }

    @Test("an accepted answer without a message id is not reported as sent")
    func noID() {
        let reply = ReplyTranslation.sendReply(.success(CloudSendResponse(contacts: [], messages: [])), recipient: recipient)
        #expect(reply.sent == false)
    }
}
