import Benchmark
import OneMsg

/// The lenient 1MSG body decoder on the three content types clients send.
enum BodyBenchmarks {
    static func register() {
        let bodies = [
            ("form", Inputs.sendBody("sendFile-form-node-client")),
            ("JSON", Inputs.sendBody("sendButton-header-text")),
            ("multipart", Inputs.sendBody("sendFile-multipart-pdf-upload")),
        ]
        for (name, body) in bodies {
            _ = try! LenientBodyDecoder.decode(body: body.bytes, contentType: body.contentType)
            Benchmark("Lenient decode: \(name) (\(body.bytes.count) B)") { benchmark throws in
                for _ in benchmark.scaledIterations {
                    blackHole(try LenientBodyDecoder.decode(body: body.bytes, contentType: body.contentType))
                }
            }
        }
    }
}
