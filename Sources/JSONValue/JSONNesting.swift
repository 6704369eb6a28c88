/// How deeply JSON text nests arrays and objects, counted in one pass without parsing, so a body nested thousands
/// deep is refused before a recursive decoder walks it.
public enum JSONNesting {
    /// The deepest nesting the bridge decodes in request and webhook bodies (Meta's and 1MSG's payloads use < 10).
    public static let maxDepth = 64

    /// Whether `bytes` nest arrays and objects deeper than `limit`; brackets inside strings do not count.
    // Inlinable so that callers in other modules get it specialized for their byte type: unspecialized, it pays a
    // witness-table call per byte, more than the JSON decoding that follows (measured in Benchmarks/).
    @inlinable
    public static func exceeds(_ limit: Int, in bytes: some Sequence<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return false
    }
}
