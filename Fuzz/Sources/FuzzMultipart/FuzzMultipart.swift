import OneMsg

/// libFuzzer's entry point: the input's first byte is a chunk size (1–256), the rest a `multipart/form-data` body
/// with the boundary `fuzzboundary`. The body is fed whole and in chunks of that size, as the network delivers it;
/// both must give the same parts with the same bytes, or the same error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let body = Array(bytes.dropFirst())
    let chunkSize = Int(selector) + 1
    let whole = parse([body[...]])
    let chunked = parse(stride(from: 0, to: body.count, by: chunkSize).map { body[$0..<min($0 + chunkSize, body.count)] })
    if whole != chunked {
        fatalError("chunks of \(chunkSize) bytes parse differently: \(whole) vs \(chunked)")
    }
    return 0
}

/// What a parse comes to: each part's headers and content joined across events, and whether the body completed.
struct Outcome: Equatable {
    var parts: [Part] = []
    var complete = false
    var failed = false

    struct Part: Equatable {
        var headers: [String: String]
        var content: [UInt8] = []
        var ended = false
    }
}

func parse(_ chunks: [ArraySlice<UInt8>]) -> Outcome {
    var parser = MultipartStreamParser(boundary: "fuzzboundary", maxParts: 50)
    var outcome = Outcome()
    for chunk in chunks {
        guard let events = try? parser.feed(chunk) else {
            // Where an error is noticed may depend on the chunking; that it is noticed may not.
            return Outcome(parts: [], complete: false, failed: true)
        }
        for event in events {
            switch event {
            case .partStart(let headers): outcome.parts.append(.init(headers: headers))
            case .content(let bytes):
                guard !outcome.parts.isEmpty else { fatalError("content before any part") }
                outcome.parts[outcome.parts.count - 1].content += bytes
            case .partEnd:
                guard !outcome.parts.isEmpty else { fatalError("a part ended before any began") }
                outcome.parts[outcome.parts.count - 1].ended = true
            }
        }
    }
    outcome.complete = parser.isComplete
    return outcome
}
