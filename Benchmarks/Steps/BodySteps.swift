import OneMsg

/// The lenient 1MSG body decoder on the three content types clients send.
enum BodySteps {
    static func all() -> [Step] {
        let bodies = [
            ("form", Inputs.sendBody("sendFile-form-node-client")),
            ("JSON", Inputs.sendBody("sendButton-header-text")),
            ("multipart", Inputs.sendBody("sendFile-multipart-pdf-upload")),
        ]
        return bodies.map { name, body in
            _ = try! LenientBodyDecoder.decode(body: body.bytes, contentType: body.contentType)
            return Step("Lenient decode: \(name) (\(body.bytes.count) B)") {
                keep(try LenientBodyDecoder.decode(body: body.bytes, contentType: body.contentType))
            }
        }
    }
}
