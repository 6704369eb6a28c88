import Foundation
import JSONValue
import OneMsg
import Testing

@Suite("Bodies built to hurt: nesting, invalid UTF-8, percent-escapes, multipart bounds (pure)")
struct BodyAbuseTests {
    @Test("nesting is counted outside strings only, escapes included; 64 levels pass, 65 do not")
    func nestingDepth() {
        let sixtyFour = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(!JSONNesting.exceeds(64, in: Array(sixtyFour.utf8)))
        #expect(JSONNesting.exceeds(64, in: Array(("[" + sixtyFour + "]").utf8)))
        let inString = #"{"a": "[[[[[[[[[[\"[[[[[[[[[[", "b": {"c": []}}"#
        #expect(!JSONNesting.exceeds(3, in: Array(inString.utf8)))
        #expect(JSONNesting.exceeds(2, in: Array(inString.utf8)))
    }

    @Test("a JSON body nested 100,000 deep is refused with the rule, whatever the content type claims; no stack overflow")
    func deepJSON() {
        let deep = Array(("{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}").utf8)
        for contentType in ["application/json", "application/x-www-form-urlencoded", nil] {
            #expect(throws: BodyDecodingError("the JSON body nests arrays and objects deeper than 64 levels")) {
                try LenientBodyDecoder.decode(body: deep, contentType: contentType)
            }
        }
    }

    @Test("invalid UTF-8 is a 400 naming the rule or the field, in every encoding")
    func invalidUTF8() {
        #expect(throws: BodyDecodingError("the body is not valid UTF-8")) {
            try LenientBodyDecoder.decode(body: Array(#"{"body": ""#.utf8) + [0xFF] + Array(#""}"#.utf8), contentType: "application/json")
        }
        #expect(throws: BodyDecodingError("the form field body is not valid UTF-8 once percent-decoded")) {
            try LenientBodyDecoder.decode(body: Array("phone=1&body=%E2%82".utf8), contentType: "application/x-www-form-urlencoded")
        }
        #expect(throws: BodyDecodingError("a form field name is not valid UTF-8 once percent-decoded")) {
            try LenientBodyDecoder.decode(body: Array("%C0%AF=1".utf8), contentType: "application/x-www-form-urlencoded")
        }
        let multipart = Array("--b\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n".utf8) + [0xC0, 0xAF] + Array("\r\n--b--\r\n".utf8)
        #expect(throws: BodyDecodingError("the form field caption is not valid UTF-8")) {
            try LenientBodyDecoder.decode(body: multipart, contentType: "multipart/form-data; boundary=b")
        }
        // File parts are bytes, not text: any bytes are fine.
        let file =
            Array("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n\r\n".utf8) + [0xFF, 0x00] + Array("\r\n--b--\r\n".utf8)
        #expect((try? LenientBodyDecoder.decode(body: file, contentType: "multipart/form-data; boundary=b"))?.files["f"] != nil)
    }

    @Test("percent-escapes decode byte-wise; a % without two hex digits stays as sent; + is a space")
    func percentEscapes() throws {
        let fields = try LenientBodyDecoder.decode(
            body: Array("a=100%&b=%41%zz%4&c=caf%C3%A9+au+lait&d=%2B".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(fields.values["a"] == .string("100%"))
        #expect(fields.values["b"] == .string("A%zz%4"))
        #expect(fields.values["c"] == .string("café au lait"))
        #expect(fields.values["d"] == .string("+"))
        // Query strings stay lenient: an escape that is not UTF-8 is kept as sent.
        #expect(LenientBodyDecoder.formPairs("x=%FF&y=%41").map(\.1) == ["%FF", "A"])
    }

    @Test("a multipart body with more parts than the bound is refused, even fed a byte at a time")
    func multipartParts() throws {
        var body = ""
        for index in 0..<4 { body += "--b\r\nContent-Disposition: form-data; name=\"f\(index)\"\r\n\r\nx\r\n" }
        body += "--b--\r\n"
        var parser = MultipartStreamParser(boundary: "b", maxParts: 3)
        #expect(throws: BodyDecodingError("a multipart body has more than 3 parts")) {
            for byte in body.utf8 { _ = try parser.feed([byte]) }
        }
        var enough = MultipartStreamParser(boundary: "b", maxParts: 4)
        _ = try enough.feed(Array(body.utf8))
        #expect(enough.isComplete)
    }
}
