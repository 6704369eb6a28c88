import Cloud
import OneMsg

/// `sendTemplate` → a `template` message: `template` → name, `language` → language object, `params` →
/// components, normalised to the spelling the Cloud API wants (lower-case types, `currency.code`,
/// string button indexes, card indexes). `namespace` has no Cloud meaning and is ignored.
enum TemplateTranslation {
    static let componentTypes = ["header", "body", "button", "carousel", "limited_time_offer"]
    static let buttonSubTypes = [
        "quick_reply", "url", "copy_code", "catalog", "flow", "mpm", "limited_time_offer", "order_details", "voice_call",
    ]
    static let parameterTypes = [
        "text", "currency", "date_time", "image", "document", "video", "location", "payload", "action",
        "coupon_code", "product", "limited_time_offer", "order_status",
    ]

    static func template(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        for legacy in ["hsm", "localizable_params"] where fields[legacy] != nil {
            reader.report(legacy, "is the old on-premise format; send template, language and params instead")
        }
        let name = reader.text("template", required: true, maxLength: 512)
        let language = language(&reader)
        var notes: [String] = []
        if fields["namespace"] != nil { notes.append("namespace ignored: the Cloud API finds templates by name and language") }
        let paramsField = fields["params"] == nil && fields["components"] != nil ? "components" : "params"
        var components: [CloudJSON] = []
        var localizedBody: [CloudJSON] = []
        for (index, value) in (reader.array(reader.structure(paramsField), at: paramsField) ?? []).enumerated() {
            let path = "\(paramsField)[\(index)]"
            if case .object(let object) = value, let parameter = localizable(object, at: path, reader: &reader) {
                if let parameter { localizedBody.append(parameter) }
            } else if let component = component(value, at: path, reader: &reader, notes: &notes) {
                components.append(component)
            }
        }
        if !localizedBody.isEmpty {
            if components.contains(where: { $0["type"] == "body" }) {
                reader.report(paramsField, "gives body parameters twice: as a body component and as 2.39 localizable parameters")
            }
            components.insert(["type": "body", "parameters": .array(localizedBody)], at: 0)
        }
        let template = CloudJSON.members([
            "name": .text(name), "language": language, "components": components.isEmpty ? nil : .array(components),
        ])
        let marketing = MarketingOptions(reading: &reader, notes: &notes)
        var translated = try basics.translated(
            .template(template), reader: reader, historyType: "template", historyBody: name ?? "", notes: notes)
        translated.isMarketingMessage = marketing.useMMLite
        translated.message.messageActivitySharing = marketing.activitySharing
        return translated
    }

    /// `language` as a code string or `{code, policy}`; the policy defaults to `deterministic`.
    static func language(_ reader: inout FieldReader) -> CloudJSON? {
        guard let value = reader.structure("language") else {
            reader.report("language", "is required: a language code such as en_US, or {\"code\": \"en_US\"}")
            return nil
        }
        var code: String?
        var policy = "deterministic"
        if case .object(let object) = value {
            code = reader.text(object["code"], at: "language.code", required: true, maxLength: 20)
            policy = reader.choice(object["policy"], at: "language.policy", from: ["deterministic"]) ?? policy
        } else {
            code = reader.text(value, at: "language", maxLength: 20)
        }
        return code.map { ["code": .string($0), "policy": .string(policy)] }
    }

    static func component(
        _ value: FieldValue, at path: String, reader: inout FieldReader, notes: inout [String]
    ) -> CloudJSON? {
        guard let object = reader.object(value, at: path, required: true) else { return nil }
        if object["type"]?.scalarText?.lowercased() == "footer" {
            notes.append("\(path) dropped: template footers take no parameters")
            return nil
        }
        guard let type = reader.choice(object["type"], at: "\(path).type", required: true, from: componentTypes) else {
            return nil
        }
        var component: [String: CloudJSON] = ["type": .string(type)]
        switch type {
        case "button":
            var subType = reader.text(object["sub_type"], at: "\(path).sub_type", required: true)?.lowercased()
            if subType == "coupon_code" { subType = "copy_code" }
            if let given = subType, !buttonSubTypes.contains(given) {
                reader.report("\(path).sub_type", "must be one of \(buttonSubTypes.joined(separator: ", ")) (got \"\(given)\")")
            }
            let index = reader.integer(object["index"], at: "\(path).index", required: true, in: 0...9)
            component["sub_type"] = .text(subType)
            component["index"] = index.map { .string(String($0)) }
        case "carousel":
            let cards = reader.array(object["cards"], at: "\(path).cards", required: true, minCount: 1, maxCount: 10) ?? []
            component["cards"] = .array(
                cards.enumerated().compactMap { cardIndex, card in
                    self.card(card, position: cardIndex, at: "\(path).cards[\(cardIndex)]", reader: &reader, notes: &notes)
                })
            return .object(component)
        default:
            break
        }
        if let parameters = reader.array(object["parameters"], at: "\(path).parameters") {
            component["parameters"] = .array(
                parameters.enumerated().compactMap { index, parameter in
                    self.parameter(parameter, at: "\(path).parameters[\(index)]", reader: &reader)
                })
        }
        return .object(component)
    }

    /// 1MSG 2.39's `params` item, an on-premise localizable parameter `{default, currency?, date_time?}` without a
    /// `type`: it fills the body's next placeholder. `nil` when `object` is not one (it is then read as a component);
    /// `.some(nil)` when it is one but breaks a rule (reported).
    static func localizable(_ object: [String: FieldValue], at path: String, reader: inout FieldReader) -> CloudJSON?? {
        guard object["type"] == nil, object["default"] != nil || object["currency"] != nil || object["date_time"] != nil else {
            return nil
        }
        let fallback = object["default"]
        for kind in ["currency", "date_time"] {
            guard var members = reader.object(object[kind], at: "\(path).\(kind)") else { continue }
            members["fallback_value"] = members["fallback_value"] ?? fallback
            return .some(parameter(.object(["type": .string(kind), kind: .object(members)]), at: path, reader: &reader))
        }
        guard let text = reader.text(fallback, at: "\(path).default", required: true) else { return .some(nil) }
        return .some(["type": "text", "text": .string(text)])
    }

    static func card(
        _ value: FieldValue, position: Int, at path: String, reader: inout FieldReader, notes: inout [String]
    ) -> CloudJSON? {
        guard let object = reader.object(value, at: path, required: true) else { return nil }
        let index =
            object["card_index"] == nil
            ? position : reader.integer(object["card_index"], at: "\(path).card_index", in: 0...9) ?? position
        let components = reader.array(object["components"], at: "\(path).components", required: true) ?? []
        return [
            "card_index": .number(String(index)),
            "components": .array(
                components.enumerated().compactMap { componentIndex, component in
                    self.component(component, at: "\(path).components[\(componentIndex)]", reader: &reader, notes: &notes)
                }),
        ]
    }

    static func parameter(_ value: FieldValue, at path: String, reader: inout FieldReader) -> CloudJSON? {
        guard let object = reader.object(value, at: path, required: true),
            let type = reader.choice(object["type"], at: "\(path).type", required: true, from: parameterTypes)
        else { return nil }
        var parameter: [String: CloudJSON] = ["type": .string(type)]
        switch type {
        case "text":
            parameter["text"] = reader.text(object["text"], at: "\(path).text", required: true, maxLength: 32768).map(CloudJSON.string)
            if let name = reader.text(object["parameter_name"], at: "\(path).parameter_name") {
                parameter["parameter_name"] = .string(name)
            }
        case "payload":
            parameter["payload"] = reader.text(object["payload"], at: "\(path).payload", required: true, maxLength: 256).map(CloudJSON.string)
        case "coupon_code":
            parameter["coupon_code"] = reader.text(object["coupon_code"], at: "\(path).coupon_code", required: true, maxLength: 15).map(
                CloudJSON.string)
        case "currency":
            let currency = reader.object(object["currency"], at: "\(path).currency", required: true) ?? [:]
            let fallback = reader.text(currency["fallback_value"], at: "\(path).currency.fallback_value", required: true)
            let codeField = currency["code"] == nil && currency["currency_code"] != nil ? "currency_code" : "code"
            let code = reader.text(currency[codeField], at: "\(path).currency.\(codeField)", required: true)
            if let code, code.count != 3 || !code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                reader.report("\(path).currency.\(codeField)", "must be an ISO 4217 currency code such as USD (got \"\(code)\")")
            }
            let amount = reader.integer(currency["amount_1000"], at: "\(path).currency.amount_1000", required: true, in: Int.min...Int.max)
            parameter["currency"] = .members([
                "fallback_value": .text(fallback), "code": .text(code?.uppercased()), "amount_1000": amount.map { .number(String($0)) },
            ])
        case "date_time":
            let dateTime = reader.object(object["date_time"], at: "\(path).date_time", required: true) ?? [:]
            // The Cloud API renders only the fallback value; the other parts are 1MSG's on-premise era.
            let fallback = reader.text(dateTime["fallback_value"], at: "\(path).date_time.fallback_value", required: true)
            parameter["date_time"] = .members(["fallback_value": .text(fallback)])
        case "image", "video", "document":
            let media = reader.object(object[type], at: "\(path).\(type)", required: true) ?? [:]
            let link = reader.webURL(media["link"], at: "\(path).\(type).link")
            let id = reader.text(media["id"], at: "\(path).\(type).id")
            if media["link"] == nil, media["id"] == nil, object[type] != nil {
                reader.report("\(path).\(type).link", "is required (a public http(s) URL, or send id)")
            }
            let filename = type == "document" ? reader.text(media["filename"], at: "\(path).\(type).filename") : nil
            parameter[type] = .members(["link": .text(link), "id": link == nil ? .text(id) : nil, "filename": .text(filename)])
        case "location":
            let location = reader.object(object["location"], at: "\(path).location", required: true) ?? [:]
            let latitude = reader.number(location["latitude"], at: "\(path).location.latitude", required: true, in: -90...90)
            let longitude = reader.number(location["longitude"], at: "\(path).location.longitude", required: true, in: -180...180)
            parameter["location"] = .members([
                "latitude": latitude.map { .number(InboundTranslation.number($0)) },
                "longitude": longitude.map { .number(InboundTranslation.number($0)) },
                "name": .text(reader.text(location["name"], at: "\(path).location.name")),
                "address": .text(reader.text(location["address"], at: "\(path).location.address")),
            ])
        default:
            let content = reader.object(object[type], at: "\(path).\(type)", required: true)
            parameter[type] = content.map(CloudJSON.object)
        }
        return .object(parameter)
    }
}
