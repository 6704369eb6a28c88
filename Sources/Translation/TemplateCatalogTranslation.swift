import Cloud
import OneMsg

/// `GET /templates`, `POST /addTemplate` and `POST /removeTemplate` ↔ `/{waba-id}/message_templates`.
public enum TemplateCatalogTranslation {
    /// 1MSG 2.39's category names for what Meta now calls UTILITY and AUTHENTICATION.
    static let categories = [
        "MARKETING": "MARKETING", "UTILITY": "UTILITY", "AUTHENTICATION": "AUTHENTICATION",
        "TRANSACTIONAL": "UTILITY", "OTP": "AUTHENTICATION",
    ]
    static let componentTypes = ["HEADER", "BODY", "FOOTER", "BUTTONS", "CAROUSEL", "LIMITED_TIME_OFFER"]
    static let headerFormats = ["TEXT", "IMAGE", "VIDEO", "GIF", "DOCUMENT", "LOCATION", "PRODUCT"]
    static let buttonTypes = [
        "QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW", "MPM", "SPM", "CATALOG", "VOICE_CALL",
    ]
    /// Header examples go through the resumable upload, which takes these types.
    public static let headerMediaTypes = ["image/jpeg", "image/png", "video/mp4", "application/pdf"]
    public static let maxHeaderMediaBytes = 100 * 1024 * 1024

    /// The items of `GET /templates`: Meta's templates with 1MSG's spelling (lower-case status,
    /// `rejected_reason` always present) and the account's namespace on each.
    public static func items(_ templates: [CloudJSON], namespace: String) -> [TemplateItem] {
        templates.compactMap { template in
            guard let name = template["name"]?.text else { return nil }
            let components: [CloudJSON] = if case .array(let list)? = template["components"] { list } else { [] }
            return TemplateItem(
                id: template["id"]?.text, name: name, language: template["language"]?.text ?? "",
                category: template["category"]?.text?.uppercased() ?? "", status: template["status"]?.text?.lowercased() ?? "",
                rejected_reason: template["rejected_reason"]?.text ?? "NONE", components: components, namespace: namespace)
        }
    }

    /// `GET /templates?offset=&limit=`: one slice of the list; `total` counts them all.
    public static func page(_ items: [TemplateItem], fields: RequestFields) throws(ValidationError) -> TemplatesReply {
        var reader = FieldReader(fields)
        let offset = reader.integer(fields["offset"], at: "offset", in: 0...Int.max) ?? 0
        let limit = reader.integer(fields["limit"], at: "limit", in: 0...Int.max).flatMap { $0 == 0 ? nil : $0 }
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        let slice = items.dropFirst(offset).prefix(limit ?? Int.max)
        return TemplatesReply(total: items.count, templates: Array(slice))
    }

    /// What `POST /addTemplate` asks Meta to create.
    public struct Creation: Sendable, Hashable {
        /// The Cloud body; header examples still to be uploaded hold ``placeholder(_:)`` strings.
        public var template: CloudJSON
        /// Header example files to upload first, in placeholder order.
        public var uploads: [HandleUpload]

        /// The stand-in of upload `index` in ``template``.
        public static func placeholder(_ index: Int) -> String { "{uploaded-handle-\(index)}" }

        /// The body with the real handles in place of the placeholders.
        public func withHandles(_ handles: [String]) -> CloudJSON {
            var replacements: [String: String] = [:]
            for (index, handle) in handles.enumerated() { replacements[Self.placeholder(index)] = handle }
            return Self.replacing(replacements, in: template)
        }

        static func replacing(_ replacements: [String: String], in value: CloudJSON) -> CloudJSON {
            switch value {
            case .string(let text): .string(replacements[text] ?? text)
            case .array(let items): .array(items.map { replacing(replacements, in: $0) })
            case .object(let members): .object(members.mapValues { replacing(replacements, in: $0) })
            default: value
            }
        }
    }

    /// `POST /addTemplate`: name, category (1MSG's TRANSACTIONAL → UTILITY, OTP → AUTHENTICATION), language
    /// and components, with component, format and button types upper-cased as Meta wants them.
    public static func creation(_ fields: RequestFields) throws(ValidationError) -> Creation {
        var reader = FieldReader(fields)
        let name = reader.text("name", required: true, maxLength: 512)
        if let name, name.range(of: "^[a-z0-9_]+$", options: .regularExpression) == nil {
            reader.report("name", "must use only lower-case letters, digits and underscores (got \"\(name)\")")
        }
        let categoryText = reader.text("category", required: true)
        let category = categoryText.flatMap { categories[$0.uppercased()] }
        if let categoryText, category == nil {
            reader.report(
                "category", "must be MARKETING, UTILITY or AUTHENTICATION (1MSG's TRANSACTIONAL and OTP are accepted too; got \"\(categoryText)\")")
        }
        let language = languageCode(&reader)
        let parameterFormat = reader.choice(fields["parameter_format"], at: "parameter_format", from: ["POSITIONAL", "NAMED"])
        let ttl = reader.integer(fields["message_send_ttl_seconds"], at: "message_send_ttl_seconds", in: -1...2_592_000)
        var uploads: [HandleUpload] = []
        var components: [CloudJSON] = []
        let list = reader.array(reader.structure("components", required: true), at: "components", minCount: 1) ?? []
        for (index, value) in list.enumerated() {
            if let component = component(value, at: "components[\(index)]", reader: &reader, uploads: &uploads) {
                components.append(component)
            }
        }
        let bodies = components.filter { $0["type"]?.text == "BODY" }
        if !list.isEmpty, bodies.count > 1 || (category != "AUTHENTICATION" && bodies.count != 1) {
            reader.report("components", "must have exactly one BODY component (got \(bodies.count))")
        } else if category != "AUTHENTICATION", let body = bodies.first, body["text"]?.text == nil {
            reader.report("components", "the BODY component needs its text")
        }
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        let template = CloudJSON.members([
            "name": .text(name), "language": .text(language), "category": .text(category),
            "components": .array(components), "parameter_format": .text(parameterFormat),
            "message_send_ttl_seconds": ttl.map { .number(String($0)) },
        ])
        return Creation(template: template, uploads: uploads)
    }

    /// `POST /removeTemplate`: the template name, whose every language is deleted.
    public static func removal(_ fields: RequestFields) throws(ValidationError) -> String {
        var reader = FieldReader(fields)
        let name = reader.text("name", required: true, maxLength: 512)
        guard let name, reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        return name
    }

    /// `language` as a code, or `{code}` as `sendTemplate` takes it.
    static func languageCode(_ reader: inout FieldReader) -> String? {
        guard let value = reader.structure("language", required: true) else { return nil }
        if case .object(let members) = value {
            return reader.text(members["code"], at: "language.code", required: true, maxLength: 20)
        }
        return reader.text(value, at: "language", required: true, maxLength: 20)
    }

    static func component(
        _ value: FieldValue, at path: String, reader: inout FieldReader, uploads: inout [HandleUpload]
    ) -> CloudJSON? {
        guard var members = reader.object(value, at: path, required: true) else { return nil }
        let typeText = reader.text(members["type"], at: "\(path).type", required: true)
        let type = typeText.map { $0.uppercased() == "BUTTON" ? "BUTTONS" : $0.uppercased() }
        guard let type, componentTypes.contains(type) else {
            if let typeText { reader.report("\(path).type", "must be one of \(componentTypes.joined(separator: ", ")) (got \"\(typeText)\")") }
            return nil
        }
        members["type"] = .string(type)
        switch type {
        case "HEADER":
            let format = reader.choice(members["format"], at: "\(path).format", from: headerFormats) ?? "TEXT"
            members["format"] = .string(format)
            if format == "TEXT" {
                if let text = reader.text(members["text"], at: "\(path).text", required: true, maxLength: 60) { members["text"] = .string(text) }
            } else if ["IMAGE", "VIDEO", "GIF", "DOCUMENT"].contains(format) {
                members["example"] = headerExample(members["example"], at: "\(path).example", reader: &reader, uploads: &uploads)
            }
        case "BODY":
            if let text = reader.text(members["text"], at: "\(path).text", maxLength: 1024) { members["text"] = .string(text) }
        case "FOOTER":
            if let text = reader.text(members["text"], at: "\(path).text", required: true, maxLength: 60) { members["text"] = .string(text) }
        case "BUTTONS":
            let buttons = reader.array(members["buttons"], at: "\(path).buttons", required: true, minCount: 1, maxCount: 10) ?? []
            members["buttons"] = .array(
                buttons.enumerated().compactMap { index, button in
                    self.button(button, at: "\(path).buttons[\(index)]", reader: &reader)
                })
        case "CAROUSEL":
            let cards = reader.array(members["cards"], at: "\(path).cards", required: true, minCount: 1, maxCount: 10) ?? []
            members["cards"] = .array(
                cards.enumerated().compactMap { index, card -> CloudJSON? in
                    let cardPath = "\(path).cards[\(index)]"
                    guard var card = reader.object(card, at: cardPath, required: true) else { return nil }
                    let inner = reader.array(card["components"], at: "\(cardPath).components", required: true, minCount: 1) ?? []
                    card["components"] = .array(
                        inner.enumerated().compactMap { innerIndex, component in
                            self.component(component, at: "\(cardPath).components[\(innerIndex)]", reader: &reader, uploads: &uploads)
                        })
                    return .object(card)
                })
        default:
            break
        }
        return .object(members)
    }

    /// A media header's `example.header_handle`: Meta handles pass through; URLs and data URIs become
    /// uploads whose handles replace them.
    static func headerExample(
        _ value: FieldValue?, at path: String, reader: inout FieldReader, uploads: inout [HandleUpload]
    ) -> CloudJSON? {
        guard var example = reader.object(value, at: path, required: true) else { return nil }
        let handlePath = "\(path).header_handle"
        let given: [FieldValue]
        switch example["header_handle"] {
        case .array(let items)?: given = items
        case let item?: given = [item]
        case nil:
            reader.report(handlePath, "is required for a media header: an upload handle, or the file as a URL or data: URI")
            return .object(example)
        }
        example["header_handle"] = .array(
            given.enumerated().compactMap { index, item -> CloudJSON? in
                let itemPath = "\(handlePath)[\(index)]"
                guard let text = reader.text(item, at: itemPath, required: true) else { return nil }
                guard text.hasPrefix("data:") || FieldReader.isWebURL(text) else { return .string(text) }
                guard let source = FileSource.read(item, at: itemPath, reader: &reader) else { return nil }
                let upload = HandleUpload(field: itemPath, source: source, allowedMIMETypes: headerMediaTypes, maxBytes: maxHeaderMediaBytes)
                if case .file(let file) = source, let problem = upload.problem(with: file) {
                    reader.report(problem.field, problem.rule)
                }
                uploads.append(upload)
                return .string(Creation.placeholder(uploads.count - 1))
            })
        return .object(example)
    }

    static func button(_ value: FieldValue, at path: String, reader: inout FieldReader) -> CloudJSON? {
        guard var members = reader.object(value, at: path, required: true) else { return nil }
        guard let type = reader.choice(members["type"], at: "\(path).type", required: true, from: buttonTypes) else { return nil }
        members["type"] = .string(type)
        if ["QUICK_REPLY", "URL", "PHONE_NUMBER"].contains(type) {
            if let text = reader.text(members["text"], at: "\(path).text", required: true, maxLength: 25) { members["text"] = .string(text) }
        }
        if type == "URL" {
            _ = reader.text(members["url"], at: "\(path).url", required: true, maxLength: 2000)
        }
        if type == "PHONE_NUMBER" {
            _ = reader.text(members["phone_number"], at: "\(path).phone_number", required: true, maxLength: 20)
        }
        return .object(members)
    }
}
