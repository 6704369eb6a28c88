import Foundation

/// An incremental `multipart/form-data` reader: feed it the body in chunks as they arrive and it answers
/// what it found in each. Boundaries are found with Foundation's byte search, so a 100 MB file part passes
/// through quickly and never has to be held whole.
public struct MultipartStreamParser: Sendable {
    /// What a chunk revealed, in body order.
    public enum Event: Sendable, Equatable {
        /// A part begins; header names are lower-cased.
        case partStart(headers: [String: String])
        /// Bytes of the current part's content.
        case content([UInt8])
        /// The current part ended.
        case partEnd
    }

    private enum State { case delimiter, delimiterTail, headers, content, done }

    /// The most parts a body may have; each file part becomes a spool file, so their number is bounded.
    public static let defaultMaxParts = 1000

    private let delimiter: Data
    private let maxParts: Int
    private var pending: Data
    private var state = State.delimiter
    private var parts = 0

    public init(boundary: String, maxParts: Int = Self.defaultMaxParts) {
        self.maxParts = maxParts
        delimiter = Data("\r\n--\(boundary)".utf8)
        // The first delimiter has no line break before it; one is supplied so every delimiter looks alike.
        pending = Data("\r\n".utf8)
    }

    /// Whether the closing delimiter has been read.
    public var isComplete: Bool { state == .done }

    /// The events the bytes fed so far complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(BodyDecodingError) -> [Event] {
        pending.append(contentsOf: bytes)
        var events: [Event] = []
        while true {
            switch state {
            case .delimiter:
                guard let found = pending.range(of: delimiter) else {
                    // Preamble: keep only what could still be the start of the delimiter.
                    pending = Data(pending.suffix(delimiter.count))
                    return events
                }
                consume(upTo: found.upperBound)
                guard try afterDelimiter() else { return events }
            case .delimiterTail:
                guard try afterDelimiter() else { return events }
            case .headers:
                let end = Data("\r\n\r\n".utf8)
                let headerBlock: Data
                if pending.starts(with: Data("\r\n".utf8)) {
                    headerBlock = Data()
                    consume(upTo: pending.startIndex + 2)
                } else if let found = pending.range(of: end) {
                    headerBlock = pending[pending.startIndex..<found.lowerBound]
                    consume(upTo: found.upperBound)
                } else {
                    if pending.count > 64 * 1024 { throw BodyDecodingError("a multipart part has more than 64 KB of headers") }
                    return events
                }
                var headers: [String: String] = [:]
                for line in String(decoding: headerBlock, as: UTF8.self).split(separator: "\r\n") {
                    let pair = line.split(separator: ":", maxSplits: 1)
                    if pair.count == 2 { headers[pair[0].lowercased()] = pair[1].trimmingCharacters(in: .whitespaces) }
                }
                parts += 1
                guard parts <= maxParts else { throw BodyDecodingError("a multipart body has more than \(maxParts) parts") }
                events.append(.partStart(headers: headers))
                state = .content
            case .content:
                if let found = pending.range(of: delimiter) {
                    if found.lowerBound > pending.startIndex {
                        events.append(.content(Array(pending[pending.startIndex..<found.lowerBound])))
                    }
                    events.append(.partEnd)
                    consume(upTo: found.upperBound)
                    guard try afterDelimiter() else { return events }
                } else {
                    let safe = pending.count - (delimiter.count - 1)
                    if safe > 0 {
                        events.append(.content(Array(pending.prefix(safe))))
                        consume(upTo: pending.startIndex + safe)
                    }
                    return events
                }
            case .done:
                pending.removeAll()
                return events
            }
        }
    }

    /// Drops what was read. A fresh copy of the short remainder, because removing from the front of a
    /// `Data` keeps its whole backing store, which would grow by every chunk ever fed.
    private mutating func consume(upTo index: Data.Index) {
        pending = Data(pending[index...])
    }

    /// After a delimiter: `--` closes the body, CRLF starts a part; `false` when more bytes are needed.
    private mutating func afterDelimiter() throws(BodyDecodingError) -> Bool {
        guard pending.count >= 2 else {
            state = .delimiterTail
            return false
        }
        let next = pending.prefix(2)
        consume(upTo: pending.startIndex + 2)
        if next == Data("--".utf8) {
            state = .done
        } else if next == Data("\r\n".utf8) {
            state = .headers
        } else {
            throw BodyDecodingError("the multipart/form-data body is malformed")
        }
        return true
    }
}
