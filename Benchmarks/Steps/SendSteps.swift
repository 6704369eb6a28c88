import Cloud
import Foundation
import OneMsg
import Translation

/// 1MSG send → Cloud message: the translation of decoded request fields, and the Cloud body's JSON bytes.
enum SendSteps {
    static let cases: [(operation: SendOperation, fixture: String)] = [
        (.sendMessage, "sendMessage-json-phone-string"),
        (.sendFile, "sendFile-url-document-pdf"),
        (.sendList, "sendList-two-sections"),
        (.sendButton, "sendButton-header-text"),
        (.sendTemplate, "sendTemplate-body-text-params"),
    ]

    /// The Cloud body's bytes exactly as `CloudClient.send` makes them (Sources/Server, not exported): a new
    /// `JSONEncoder` with sorted keys for every send.
    static func cloudBody(_ message: CloudMessage) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(message)
    }

    static func all() -> [Step] {
        var steps: [Step] = []
        for (operation, fixture) in cases {
            let body = Inputs.sendBody(fixture)
            let fields = try! LenientBodyDecoder.decode(body: body.bytes, contentType: body.contentType)
            // A fixture that no longer translates would measure the rejection path: fail loudly instead.
            let message = try! operation.translate(fields).message
            steps.append(Step("Send \(operation.rawValue): translate") { keep(try operation.translate(fields)) })
            steps.append(Step("Send \(operation.rawValue): encode Cloud JSON") { keep(try cloudBody(message)) })
        }
        let text = Inputs.sendBody("sendMessage-json-phone-string")
        steps.append(
            Step("Send sendMessage: body → Cloud JSON") {
                let fields = try LenientBodyDecoder.decode(body: text.bytes, contentType: text.contentType)
                keep(try cloudBody(try SendOperation.sendMessage.translate(fields).message))
            })
        return steps
    }
}
