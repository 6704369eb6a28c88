import OneMsg

/// The content types real 1MSG clients send; the input's first byte picks one, the rest is the body.
let contentTypes: [String?] = [
    "application/json", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
    "multipart/form-data; boundary=fuzzboundary", "text/plain", nil, "application/vnd.api+json",
    "multipart/form-data",
]

/// libFuzzer's entry point: decodes the body as the bridge decodes every 1MSG request (and a query string as the
/// middleware parses it). Any outcome but a crash is fine: a thrown ``BodyDecodingError`` is the 400.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLenientBody(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let body = Array(bytes.dropFirst())
    let contentType = contentTypes[Int(selector) % contentTypes.count]
    if let fields = try? LenientBodyDecoder.decode(body: body, contentType: contentType) {
        for (name, value) in fields.values {
            _ = name.count + (value.scalarText?.count ?? 0) + value.kindName.count
        }
    }
    _ = LenientBodyDecoder.formPairs(Substring(decoding: body, as: UTF8.self))
    _ = LenientBodyDecoder.multipartBoundary(contentType.map { $0 + String(decoding: body.prefix(40), as: UTF8.self) })
    return 0
}
