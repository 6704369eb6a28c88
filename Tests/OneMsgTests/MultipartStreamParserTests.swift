import OneMsg
import Testing

@Suite("Incremental multipart parser")
struct MultipartStreamParserTests {
    static let body = Array(
        ("preamble\r\n--B0und\r\nContent-Disposition: form-data; name=\"phone\"\r\n\r\n12020721369\r\n"
            + "--B0und\r\nContent-Disposition: form-data; name=\"body\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            + "line one\r\n--B0un not a boundary\r\n"
            + "\r\n--B0und--\r\nepilogue").utf8)

    /// The parts (headers and content) the events describe.
    static func parts(_ events: [MultipartStreamParser.Event]) -> [([String: String], String)] {
        var parts: [([String: String], [UInt8])] = []
        for event in events {
            switch event {
            case .partStart(let headers): parts.append((headers, []))
            case .content(let bytes): parts[parts.count - 1].1 += bytes
            case .partEnd: break
            }
        }
        return parts.map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
    }

    @Test("the same parts whatever the chunk size, boundaries split across chunks included", arguments: [1, 2, 3, 7, 64, 100_000])
    func chunking(size: Int) throws {
        var parser = MultipartStreamParser(boundary: "B0und")
        var events: [MultipartStreamParser.Event] = []
        var offset = 0
        while offset < Self.body.count {
            events += try parser.feed(Self.body[offset..<min(offset + size, Self.body.count)])
            offset += size
        }
        #expect(parser.isComplete)
        let parts = Self.parts(events)
        #expect(parts.count == 2)
        #expect(parts.first?.1 == "12020721369")
        #expect(parts.last?.0["content-type"] == "text/plain")
        #expect(parts.last?.1 == "line one\r\n--B0un not a boundary\r\n")
        #expect(events.filter { $0 == .partEnd }.count == 2)
    }

    @Test("a body cut short is not complete; garbage after a delimiter is malformed")
    func incomplete() throws {
        var cut = MultipartStreamParser(boundary: "B0und")
        _ = try cut.feed(Self.body.prefix(80))
        #expect(!cut.isComplete)
        var broken = MultipartStreamParser(boundary: "x")
        #expect(throws: BodyDecodingError.self) { try broken.feed(Array("--xZZ".utf8)) }
    }
}
