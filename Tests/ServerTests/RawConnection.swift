import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking loopback TCP connection for tests that must control the bytes and their pace: trickled headers,
/// bodies written before any reply is read, and whether the server closed the connection.
final class RawConnection: @unchecked Sendable {
    let descriptor: Int32

    /// Connects to 127.0.0.1:`port`; every read gives up after `readTimeout` (a safety net, never an assertion).
    init(port: Int, readTimeout: Duration = .seconds(10)) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        self.descriptor = descriptor
        var address = sockaddr_in.loopback(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        var timeout = timeval(tv_sec: Int(readTimeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes`; `false` once the server has closed or reset the connection.
    @discardableResult
    func write(_ bytes: some Collection<UInt8>) -> Bool {
        let array = Array(bytes)
        var offset = 0
        while offset < array.count {
            let written = array[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    /// Whether bytes (or the end of the stream) wait to be read, without waiting.
    var hasBytesToRead: Bool {
        var descriptorSet = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptorSet, 1, 0) > 0
    }

    /// How a read ended.
    enum ReadEnd: Equatable {
        /// The server closed (or reset) the connection.
        case closed
        /// Nothing arrived within the read timeout: the connection is still open.
        case timedOut
    }

    /// Reads until the server closes the connection (or the read timeout passes): what arrived and how it ended.
    func readToEnd() -> (text: String, end: ReadEnd) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 || errno == ECONNRESET {
                return (String(decoding: received, as: UTF8.self), .closed)
            } else {
                return (String(decoding: received, as: UTF8.self), .timedOut)
            }
        }
    }

    /// Reads one response whose head has a Content-Length: its status line and body.
    func readResponse() -> (head: String, body: String)? {
        var received: [UInt8] = []
        var byte: UInt8 = 0
        while !received.ends(with: Array("\r\n\r\n".utf8)) {
            guard recv(descriptor, &byte, 1, 0) == 1 else { return nil }
            received.append(byte)
        }
        let head = String(decoding: received, as: UTF8.self)
        let length =
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        var body = [UInt8](repeating: 0, count: length)
        var offset = 0
        while offset < length {
            let count = body[offset...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            offset += count
        }
        return (head, String(decoding: body, as: UTF8.self))
    }
}

extension RawConnection {
    // The async forms run each blocking call on a thread of its own: blocking a thread of Swift's cooperative pool
    // could starve the server under test, whose handlers run on that pool.

    /// ``write(_:)`` off the cooperative pool.
    func send(_ text: String) async -> Bool {
        let bytes = Array(text.utf8)
        return await Self.offPool { self.write(bytes) }
    }

    /// ``readToEnd()`` off the cooperative pool.
    func receiveToEnd() async -> (text: String, end: ReadEnd) {
        await Self.offPool { self.readToEnd() }
    }

    /// ``readResponse()`` off the cooperative pool.
    func receiveResponse() async -> (head: String, body: String)? {
        await Self.offPool { self.readResponse() }
    }

    private static func offPool<T: Sendable>(_ call: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: call()) }.start()
        }
    }
}

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
