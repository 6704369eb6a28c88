import Cloud
import Foundation
import OneMsg

/// `sendFile` and `sendSticker` → media messages, plus the rules for telling a file's WhatsApp kind.
public enum MediaTranslation {
    /// `sendFile`: `body` as a URL (Meta fetches it), a `data:` URI or a multipart file (uploaded first),
    /// or `mediaId` (+ `mediaType`) for media uploaded earlier.
    static func file(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        var source = readSource(&reader, fields: fields)
        var filename = reader.text("filename", maxLength: 240)
        let caption = reader.text("caption", maxLength: 1024)
        let voice = reader.bool("voice") ?? false
        let declared = reader.choice(
            fields["mediaType"], at: "mediaType", from: ["image", "video", "audio", "document", "sticker", "voice", "ptt"])

        if filename == nil {
            switch source {
            case .upload(let file, _): filename = file.filename
            case .link(let url): filename = lastPathComponent(of: url)
            case .mediaID, nil: break
            }
        }
        var kind = declared.flatMap { ["voice": "audio", "ptt": "audio"][$0] ?? $0 }.flatMap(CloudMessage.MediaKind.init)
        let isVoice = voice || declared == "voice" || declared == "ptt"
        let knownMIME: String? = if case .upload(_, let mime) = source { mime } else { nil }
        if kind == nil { kind = knownMIME.flatMap(kindForMIME) ?? filename.flatMap(kindForFilename) }
        if isVoice {
            if let declared = kind, declared != .audio {
                reader.report("voice", "needs an audio file, but the file is \(declared.rawValue)")
            } else if let mime = knownMIME ?? filename.flatMap(mimeForFilename), !mime.lowercased().hasPrefix("audio/ogg") {
                reader.report("voice", "needs an OGG/OPUS audio file (audio/ogg), got \(mime)")
            }
            kind = .audio
        }
        if case .mediaID = source, kind == nil {
            reader.report("mediaType", "is required with mediaId (image, video, audio, document or sticker)")
        }
        let resolvedKind = kind ?? .document
        if case .upload(let file, _) = source, file.size > resolvedKind.maxBytes {
            reader.report(
                file.fieldName,
                "is \(megabytes(file.size)); WhatsApp accepts \(resolvedKind.rawValue) files up to \(megabytes(resolvedKind.maxBytes))")
            source = nil
        }
        var notes: [String] = []
        var media = CloudMessage.Media()
        switch source {
        case .link(let url): media.link = url
        case .mediaID(let id): media.id = id
        case .upload: media.id = MediaUpload.placeholderID
        case nil: break
        }
        if let caption {
            if resolvedKind.takesCaption {
                media.caption = caption
            } else {
                notes.append("caption dropped: WhatsApp shows no caption on \(resolvedKind.rawValue) messages")
            }
        }
        if resolvedKind == .document { media.filename = filename }
        if isVoice { media.voice = true }

        var translated = try basics.translated(
            .media(resolvedKind, media), reader: reader, historyType: resolvedKind.rawValue,
            historyBody: media.link ?? media.id ?? "", historyCaption: media.caption ?? (resolvedKind == .document ? filename : nil),
            notes: notes)
        if case .upload(var file, _) = source {
            if file.filename == nil { file.filename = filename }
            translated.upload = MediaUpload(
                file: file, mimeType: uploadMIME(of: file, filename: filename), kind: resolvedKind)
        }
        return translated
    }

    /// `sendSticker`: a WebP sticker by `mediaId` or public `link`.
    static func sticker(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        let id = reader.text("mediaId", maxLength: 256)
        let link = reader.webURL(fields["link"] ?? fields["body"], at: fields["link"] == nil ? "body" : "link")
        if id == nil, link == nil, fields["mediaId"] == nil, fields["link"] == nil, fields["body"] == nil {
            reader.report("mediaId", "is required when link is not set (send mediaId or link)")
        }
        if id != nil, link != nil {
            reader.report("link", "cannot be sent together with mediaId; send only one of them")
        }
        return try basics.translated(
            .media(.sticker, .init(id: id, link: id == nil ? link : nil)), reader: reader, historyType: "sticker",
            historyBody: link ?? id ?? "")
    }

    /// Where a `sendFile` file comes from.
    enum Source {
        case link(String)
        case mediaID(String)
        /// File bytes to upload, with the MIME type the client declared, if any.
        case upload(UploadedFile, mimeType: String?)
    }

    static func readSource(_ reader: inout FieldReader, fields: RequestFields) -> Source? {
        var sources: [(field: String, source: Source)] = []
        if let id = reader.text("mediaId", maxLength: 256) { sources.append(("mediaId", .mediaID(id))) }
        if let file = fields.files["body"] ?? fields.files["file"] ?? fields.files.values.first {
            sources.append((file.fieldName, .upload(file, mimeType: declaredMIME(of: file))))
        } else {
            switch FileSource.read(fields["body"], at: "body", reader: &reader) {
            case .file(let file)?: sources.append(("body", .upload(file, mimeType: file.contentType)))
            case .url(let url)?: sources.append(("body", .link(url)))
            case nil: break
            }
        }
        if sources.count > 1 {
            reader.report("mediaId", "cannot be sent together with body; send the file one way only")
            return nil
        }
        if sources.isEmpty, fields["body"] == nil, fields["mediaId"] == nil {
            reader.report("body", "is required: a file URL, a data: URI or a file part (or send mediaId)")
        }
        return sources.first?.source
    }

    /// The MIME type a file part or download declares, unless it is the say-nothing `application/octet-stream`.
    public static func declaredMIME(of file: UploadedFile) -> String? {
        file.contentType.flatMap { $0.lowercased().hasPrefix("application/octet-stream") ? nil : $0 }
    }

    /// The MIME type to upload a file under: what it declares, else what its name suggests.
    public static func uploadMIME(of file: UploadedFile, filename: String?) -> String {
        declaredMIME(of: file) ?? filename.flatMap(mimeForFilename) ?? "application/octet-stream"
    }

    /// Decodes `data:<mime>[;…];base64,<data>`; `nil` when `text` is not such a URI.
    public static func decodeDataURI(_ text: String, field: String) -> (UploadedFile, mimeType: String?)? {
        guard text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") else { return nil }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma].split(separator: ";").map(String.init)
        guard header.last?.lowercased() == "base64",
            let data = Data(base64Encoded: String(text[text.index(after: comma)...]), options: .ignoreUnknownCharacters)
        else { return nil }
        let mime = header.first.flatMap { $0.contains("/") ? $0 : nil }
        let name = header.first { $0.lowercased().hasPrefix("name=") }.map { String($0.dropFirst(5)) }
        return (UploadedFile(filename: name?.removingPercentEncoding ?? name, contentType: mime, bytes: Array(data), fieldName: field), mime)
    }

    /// The WhatsApp kind of a MIME type.
    public static func kindForMIME(_ mime: String) -> CloudMessage.MediaKind? {
        let type = mime.lowercased().split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if type == "image/webp" { return .sticker }
        if type.hasPrefix("image/") { return .image }
        if type.hasPrefix("video/") { return .video }
        if type.hasPrefix("audio/") { return .audio }
        return type.isEmpty ? nil : .document
    }

    /// The WhatsApp kind a file name's extension suggests.
    public static func kindForFilename(_ name: String) -> CloudMessage.MediaKind? {
        mimeForFilename(name).flatMap(kindForMIME)
    }

    /// The MIME type of the file types WhatsApp accepts, by extension.
    public static func mimeForFilename(_ name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return mimeTypes[name[name.index(after: dot)...].lowercased()]
    }

    static let mimeTypes: [String: String] = [
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp",
        "mp4": "video/mp4", "3gp": "video/3gpp", "3gpp": "video/3gpp",
        "aac": "audio/aac", "amr": "audio/amr", "mp3": "audio/mpeg", "m4a": "audio/mp4", "ogg": "audio/ogg",
        "opus": "audio/ogg", "oga": "audio/ogg",
        "txt": "text/plain", "pdf": "application/pdf", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "csv": "text/csv", "zip": "application/zip",
    ]

    /// The file name at the end of a URL's path, when it has an extension.
    public static func lastPathComponent(of url: String) -> String? {
        guard let path = URLComponents(string: url)?.path, let last = path.split(separator: "/").last else { return nil }
        let name = String(last).removingPercentEncoding ?? String(last)
        return name.contains(".") ? name : nil
    }

    /// A size as people read it: `512 KB`, `5 MB`, `6.2 MB`.
    public static func megabytes(_ bytes: Int) -> String {
        if bytes < 1024 * 1024 { return "\(bytes / 1024) KB" }
        let value = Double(bytes) / (1024 * 1024)
        return value.rounded() == value ? "\(Int(value)) MB" : String(format: "%.1f MB", value)
    }
}
