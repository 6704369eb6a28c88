import Foundation
import Hummingbird
import MultipartKit
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

    /// The body's fields, or ``BridgeError/bodyTooLarge(limit:)`` / ``BridgeError/unreadableBody(_:)``.
    /// On error the spool files written so far are deleted.
    static func read(_ body: RequestBody, boundary: String, limit: Int) async throws -> RequestFields {
        let state = PartState()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in state.headers[name.lowercased()] = value }
        parser.onBody = { buffer in state.append(buffer) }
        parser.onPartComplete = { state.completePart() }
        var total = 0
        do {
            for try await chunk in body {
                total += chunk.readableBytes
                guard total <= limit else { throw BridgeError.bodyTooLarge(limit: limit) }
                do {
                    try parser.execute(chunk)
                } catch {
                    throw BridgeError.unreadableBody("the multipart/form-data body is malformed")
                }
                if state.failed { throw BridgeError.unreadableBody("a file part could not be stored; retry later") }
            }
        } catch {
            state.discard()
            throw error
        }
        return RequestFields(values: state.values, files: state.files, encoding: .multipart)
    }

    /// What the parser callbacks build; touched only from the reading task.
    private final class PartState {
        var headers: [String: String] = [:]
        var values: [String: FieldValue] = [:]
        var files: [String: UploadedFile] = [:]
        var text: [UInt8] = []
        var spool: (path: String, handle: FileHandle, size: Int)?
        var started = false
        var isFile = false
        var failed = false

        func append(_ buffer: ByteBuffer) {
            if !started {
                started = true
                isFile = LenientBodyDecoder.partName(disposition: headers["content-disposition"])?.filename != nil
                if isFile {
                    do {
                        let file = try FileSpool.create()
                        spool = (file.path, file.handle, 0)
                    } catch {
                        failed = true
                    }
                }
            }
            if isFile {
                guard let current = spool else { return }
                do {
                    try current.handle.write(contentsOf: buffer.readableBytesView)
                    spool?.size += buffer.readableBytes
                } catch {
                    failed = true
                }
            } else if text.count + buffer.readableBytes <= MultipartSpooler.maxTextBytes {
                text.append(contentsOf: buffer.readableBytesView)
            }
        }

        func completePart() {
            if !started { append(ByteBuffer()) }
            if let (name, filename) = LenientBodyDecoder.partName(disposition: headers["content-disposition"]) {
                if let filename, let current = spool {
                    try? current.handle.close()
                    if let previous = files[name] { FileSpool.remove([previous]) }
                    files[name] = UploadedFile(
                        filename: filename.isEmpty ? nil : filename, contentType: headers["content-type"],
                        contents: .spooled(path: current.path, size: current.size), fieldName: name)
                } else if filename == nil {
                    LenientBodyDecoder.append(.string(String(decoding: text, as: UTF8.self)), to: name, in: &values)
                }
            } else if let current = spool {
                try? current.handle.close()
                try? FileManager.default.removeItem(atPath: current.path)
            }
            headers = [:]
            text = []
            spool = nil
            started = false
            isFile = false
        }

        func discard() {
            if let current = spool {
                try? current.handle.close()
                try? FileManager.default.removeItem(atPath: current.path)
            }
            FileSpool.remove(files.values)
        }
    }
}
