#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A socket address as numeric text (`203.0.113.7`, `2001:db8::1`), for the address checks of fetched URLs and
/// the egress probe alike.
public enum NumericHost {
    /// The address's text, or `getnameinfo`'s status when it cannot be written.
    public static func text(of address: UnsafePointer<sockaddr>, length: socklen_t) -> Result<String, NumericHostError> {
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = getnameinfo(address, length, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST)
        guard status == 0 else { return .failure(NumericHostError(status: status)) }
        return .success(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

/// `getnameinfo` could not write an address.
public struct NumericHostError: Error {
    /// `getnameinfo`'s status.
    public var status: Int32

    /// The C library's explanation of ``status``.
    public var reason: String { String(cString: gai_strerror(status)) }
}
