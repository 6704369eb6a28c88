import Benchmark
import Cloud
import Foundation
import OneMsg
import Translation

/// 1MSG send → Cloud message: the translation of decoded request fields, and the Cloud body's JSON bytes.
enum SendBenchmarks {
    /// One send: its operation and the fixture whose request it uses.
    struct Case {
        var operation: SendOperation
        var fixture: String
    }

    static let cases = [
        Case(operation: .sendMessage, fixture: "sendMessage-json-phone-string"),
        Case(operation: .sendFile, fixture: "sendFile-url-document-pdf"),
        Case(operation: .sendList, fixture: "sendList-two-sections"),
        Case(operation: .sendButton, fixture: "sendButton-header-text"),
        Case(operation: .sendTemplate, fixture: "sendTemplate-body-text-params"),
    ]

    /// The Cloud body's bytes exactly as `CloudClient.send` makes them (Sources/Server, not exported): a new
    /// `JSONEncoder` with sorted keys for every send.
    static func cloudBody(_ message: CloudMessage) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(message)
    }

    static func register() {
        for send in cases {
            let body = Inputs.sendBody(send.fixture)
            let fields = try! LenientBodyDecoder.decode(body: body.bytes, contentType: body.contentType)
            // A fixture that no longer translates would measure the rejection path: fail loudly instead.
            let message = try! send.operation.translate(fields).message
            Benchmark("Send \(send.operation.rawValue): translate") { benchmark throws in
                for _ in benchmark.scaledIterations {
                    blackHole(try send.operation.translate(fields))
                }
            }
            Benchmark("Send \(send.operation.rawValue): encode Cloud JSON") { benchmark throws in
                for _ in benchmark.scaledIterations {
                    blackHole(try cloudBody(message))
                }
            }
        }
        let text = Inputs.sendBody("sendMessage-json-phone-string")
        Benchmark("Send sendMessage: body → Cloud JSON") { benchmark throws in
            for _ in benchmark.scaledIterations {
                let fields = try LenientBodyDecoder.decode(body: text.bytes, contentType: text.contentType)
                blackHole(try cloudBody(try SendOperation.sendMessage.translate(fields).message))
            }
        }
    }
}
