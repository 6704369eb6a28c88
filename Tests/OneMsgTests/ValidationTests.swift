import OneMsg
import Testing

@Suite("sendMessage validation")
struct SendMessageValidationTests {
    private func problems(_ json: String) throws -> [FieldProblem] {
        let fields = try LenientBodyDecoder.decode(body: Array(json.utf8), contentType: "application/json")
        do {
            _ = try SendMessageRequest.decode(from: fields)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("every problem is reported, field by field")
    func everyProblem() throws {
        let found = try problems(#"{"phone":"12ab","body":"","quotedMsgId":"has space"}"#)
        #expect(found.map(\.field) == ["phone", "body", "quotedMsgId"])
        #expect(found[0].rule.contains("7 to 15 digits"))
    }

    @Test("body longer than 4096 characters is refused with the limit named")
    func longBody() throws {
        let found = try problems(#"{"phone":"12020721369","body":"\#(String(repeating: "é", count: 4097))"}"#)
        #expect(found == [FieldProblem(field: "body", rule: "must be at most 4096 characters (got 4097)")])
        #expect(try problems(#"{"phone":"12020721369","body":"\#(String(repeating: "é", count: 4096))"}"#).isEmpty)
        // One character with a combining mark is two Unicode scalars, as JSON Schema counts them.
        let combining = String(repeating: "e\u{0301}", count: 2049)
        #expect(
            try problems(#"{"phone":"12020721369","body":"\#(combining)"}"#)
                == [FieldProblem(field: "body", rule: "must be at most 4096 characters (got 4098)")])
    }

    @Test("phone and chatId that name different people are refused")
    func conflictingRecipients() throws {
        let found = try problems(#"{"phone":"12020721369","chatId":"441234567890@c.us","body":"x"}"#)
        #expect(found.map(\.field) == ["chatId"])
    }

    @Test("a body of white space only is refused")
    func whitespaceBody() throws {
        #expect(try problems(#"{"phone":"12020721369","body":"   "}"#).map(\.field) == ["body"])
    }

    @Test("non-text values for text fields are named with their kind")
    func wrongKinds() throws {
        let found = try problems(#"{"phone":"12020721369","body":{"text":"x"}}"#)
        #expect(found == [FieldProblem(field: "body", rule: "must be a string, not an object")])
        #expect(
            try problems(#"{"phone":"12020721369","body":false}"#)
                == [FieldProblem(field: "body", rule: "must be a string, not a boolean")])
        #expect(
            try problems(#"{"phone":"12020721369","body":42}"#)
                == [FieldProblem(field: "body", rule: "must be a string, not a number")])
        #expect(try problems(#"{"phone":12020721369,"body":"a phone may be a number"}"#).isEmpty)
        #expect(try problems(#"{"phone":-12020721369,"body":"x"}"#).map(\.field) == ["phone"], "digits only")
        #expect(try problems(#"{"phone":1202072136.9,"body":"x"}"#).map(\.field) == ["phone"], "digits only")
        #expect(try problems(#"{"chatId":"US.13491208655302741918@LID","body":"x"}"#).isEmpty)
        #expect(try problems(#"{"phone":"12020721369","body":"x","quotedMsgId":"wamid.A\u0001B"}"#).map(\.field) == ["quotedMsgId"])
    }

    @Test("whole numbers: JSON numbers (5.0 is 5) or plain digits in a string; nothing else")
    func wholeNumbers() throws {
        var reader = FieldReader(RequestFields())
        #expect(reader.integer(.number("5"), at: "n", in: 0...9) == 5)
        #expect(reader.integer(.string("05"), at: "n", in: 0...9) == 5)
        #expect(reader.integer(.string("-1"), at: "n", in: -1...9) == -1)
        #expect(reader.problems.isEmpty)
        for refused in ["+5", " 5", "5 ", "5.0", "1e1", "five"] {
            #expect(reader.integer(.string(refused), at: "n", in: 0...9) == nil, "\(refused)")
        }
        #expect(reader.integer(.bool(true), at: "n", in: 0...9) == nil)
        #expect(reader.problems.count == 7)
    }

    @Test("wrong-token message masks all but the last 4 characters")
    func wrongTokenMasking() {
        #expect(WrongToken.mask("abcdefghijkl") == "********ijkl")
        #expect(WrongToken.mask("abcd") == "****")
        #expect(
            WrongToken.message(token: "xxx7i1crxjxpkxxx", channelID: "123")
                == #"Wrong token "************kxxx" for channel "123". Please provide token as a GET parameter."#)
        #expect(WrongToken.message(token: nil, channelID: nil) == #"Wrong token "" for channel "". Please provide token as a GET parameter."#)
    }
}
