import Foundation
import Hummingbird
import NIOCore
import OneMsg

/// Temporary files for large uploads: multipart file parts and downloads are written here as they
/// arrive and read back in chunks as they go to Meta, so memory stays flat whatever the file size.
enum FileSpool {
    /// A new, empty spool file; the caller deletes it with ``remove(_:)``.
    static func create() throws -> (path: String, handle: FileHandle) {
        let path = NSTemporaryDirectory() + "onemsg-bridge-upload-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw SpoolError() }
        return (path, handle)
    }

    /// Deletes the spooled files among `files`.
    static func remove(_ files: some Sequence<UploadedFile>) {
        for file in files {
            if case .spooled(let path, _) = file.contents { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    /// `head`, then the file's bytes in chunks of at most `chunkSize`, then `tail`.
    static func chunks(
        of file: UploadedFile, between head: ByteBuffer, and tail: ByteBuffer, chunkSize: Int = 256 * 1024
    ) -> AsyncThrowingStream<ByteBuffer, any Error> {
        let reader = ChunkReader(file: file, head: head, tail: tail, chunkSize: chunkSize)
        return AsyncThrowingStream(unfolding: { try reader.next() })
    }

    /// Reads one file front to back between its head and tail; used by one stream at a time.
    private final class ChunkReader: @unchecked Sendable {
        enum Phase { case head, body, tail, done }
        let file: UploadedFile
        let head: ByteBuffer
        let tail: ByteBuffer
        let chunkSize: Int
        var phase = Phase.head
        var handle: FileHandle?

        init(file: UploadedFile, head: ByteBuffer, tail: ByteBuffer, chunkSize: Int) {
            self.file = file
            self.head = head
            self.tail = tail
            self.chunkSize = chunkSize
        }

        func next() throws -> ByteBuffer? {
            switch phase {
            case .head:
                phase = .body
                return head
            case .body:
                switch file.contents {
                case .bytes(let bytes):
                    phase = .tail
                    return ByteBuffer(bytes: bytes)
                case .spooled(let path, _):
                    if handle == nil {
                        guard let opened = FileHandle(forReadingAtPath: path) else { throw SpoolError() }
                        handle = opened
                    }
                    if let data = try handle?.read(upToCount: chunkSize), !data.isEmpty {
                        return ByteBuffer(bytes: data)
                    }
                    try? handle?.close()
                    phase = .tail
                    return try next()
                }
            case .tail:
                phase = .done
                return tail
            case .done:
                return nil
            }
        }
    }

    struct SpoolError: Error {}
}

/// Reads a `multipart/form-data` body as it arrives: text fields into memory, file parts into spool files.
enum MultipartSpooler {
    /// Text fields are small; anything larger is not a 1MSG field.
    static let maxTextBytes = 1024 * 1024

    /// The body's fields, or ``BridgeError/bodyRefused(_:)`` / ``BridgeError/unreadableBody(_:)``; `reader`
    /// enforces the body's limits. On error the spool files written so far are deleted.
    static func read(_ request: Request, boundary: String, reader: RequestBodyReader) async throws -> RequestFields {
        var parser = MultipartStreamParser(boundary: boundary)
        var parts = SpooledParts()
        do {
            try await reader.stream(request) { chunk in
                let events: [MultipartStreamParser.Event]
                do throws(BodyDecodingError) {
                    events = try parser.feed(chunk.readableBytesView)
                } catch {
                    throw BridgeError.unreadableBody(error.description)
                }
                for event in events { try parts.handle(event) }
            }
            guard parser.isComplete else { throw BridgeError.unreadableBody("the multipart/form-data body is malformed") }
        } catch {
            parts.discard()
            throw error
        }
        return RequestFields(values: parts.values, files: parts.files, encoding: .multipart)
    }

    /// The fields and spool files built from parser events.
    private struct SpooledParts {
        var values: [String: FieldValue] = [:]
        var files: [String: UploadedFile] = [:]
        var current: (name: String, filename: String?, contentType: String?)?
        var text: [UInt8] = []
        var spool: (path: String, handle: FileHandle, size: Int)?

        mutating func handle(_ event: MultipartStreamParser.Event) throws {
            switch event {
            case .partStart(let headers):
                guard let (name, filename) = LenientBodyDecoder.partName(disposition: headers["content-disposition"]) else {
                    current = nil
                    return
                }
                current = (name, filename, headers["content-type"])
                if filename != nil {
                    guard let file = try? FileSpool.create() else {
                        throw BridgeError.unreadableBody("a file part could not be stored; retry later")
                    }
                    spool = (file.path, file.handle, 0)
                }
            case .content(let bytes):
                if let file = spool {
                    do {
                        try file.handle.write(contentsOf: bytes)
                    } catch {
                        throw BridgeError.unreadableBody("a file part could not be stored; retry later")
                    }
                    spool?.size += bytes.count
                } else if let part = current {
                    guard text.count + bytes.count <= MultipartSpooler.maxTextBytes else {
                        throw BridgeError.unreadableBody("the form field \(part.name) is larger than 1 MB; send files as file parts")
                    }
                    text.append(contentsOf: bytes)
                }
            case .partEnd:
                if let part = current {
                    if let file = spool {
                        try? file.handle.close()
                        if let previous = files[part.name] { FileSpool.remove([previous]) }
                        files[part.name] = UploadedFile(
                            filename: part.filename?.isEmpty == false ? part.filename : nil, contentType: part.contentType,
                            contents: .spooled(path: file.path, size: file.size), fieldName: part.name)
                    } else {
                        guard let value = String(validating: text, as: UTF8.self) else {
                            throw BridgeError.unreadableBody("the form field \(part.name) is not valid UTF-8")
                        }
                        LenientBodyDecoder.append(.string(value), to: part.name, in: &values)
                    }
                }
                current = nil
                spool = nil
                text = []
            }
        }

        func discard() {
            if let file = spool {
                try? file.handle.close()
                try? FileManager.default.removeItem(atPath: file.path)
            }
            FileSpool.remove(files.values)
        }
    }
}
