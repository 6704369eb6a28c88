import Cloud
import OneMsg

/// The interactive sends (`sendList`, `sendButton`, `sendLocationRequest`, `sendCtaUrl`, `sendFlow`,
/// `sendCarousel`, `sendProduct`, `sendAddressMessage`) → one `interactive` message each, with Meta's
/// limits checked first.
enum InteractiveTranslation {
    static let headerTypes = ["text", "image", "video", "document"]

    static func list(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        let body = reader.text("body", required: true, maxLength: 1024)
        let header = reader.text("header", maxLength: 60)
        let footer = reader.text("footer", maxLength: 60)
        let actionObject: [String: FieldValue]? = if case .object(let object)? = reader.structure("action") { object } else { nil }
        let label: String?
        if fields["buttonText"] != nil {
            label = reader.text("buttonText", maxLength: 20)
        } else if let actionObject {
            label = reader.text(actionObject["button"], at: "action.button", required: true, maxLength: 20)
        } else {
            label = reader.text(fields["action"], at: "action", maxLength: 20)
            if fields["action"] == nil { reader.report("action", "is required: the label of the button that opens the list (or send buttonText)") }
        }
        let sectionsPath = fields["sections"] == nil && actionObject?["sections"] != nil ? "action.sections" : "sections"
        let sectionValues = reader.array(
            fields["sections"].map { reader.structure("sections") ?? $0 } ?? actionObject?["sections"],
            at: sectionsPath, required: true, minCount: 1, maxCount: 10)
        var sections: [CloudJSON] = []
        var rowIDs: Set<String> = []
        var rowCount = 0
        for (index, value) in (sectionValues ?? []).enumerated() {
            let path = "\(sectionsPath)[\(index)]"
            guard let section = reader.object(value, at: path, required: true) else { continue }
            let title = reader.text(
                section["title"], at: "\(path).title", required: (sectionValues?.count ?? 0) > 1, maxLength: 24)
            let rowValues = reader.array(section["rows"], at: "\(path).rows", required: true, minCount: 1) ?? []
            var rows: [CloudJSON] = []
            for (rowIndex, rowValue) in rowValues.enumerated() {
                let rowPath = "\(path).rows[\(rowIndex)]"
                rowCount += 1
                guard let row = reader.object(rowValue, at: rowPath, required: true) else { continue }
                let id = reader.text(row["id"], at: "\(rowPath).id", required: true, maxLength: 200)
                let rowTitle = reader.text(row["title"], at: "\(rowPath).title", required: true, maxLength: 24)
                let description = reader.text(row["description"], at: "\(rowPath).description", maxLength: 72)
                if let id, !rowIDs.insert(id).inserted {
                    reader.report("\(rowPath).id", "must be unique across the list (\"\(id)\" is used twice)")
                }
                if let id, let rowTitle {
                    rows.append(.members(["id": .string(id), "title": .string(rowTitle), "description": .text(description)]))
                }
            }
            sections.append(.members(["title": .text(title), "rows": .array(rows)]))
        }
        if rowCount > 10 {
            reader.report(sectionsPath, "must hold at most 10 rows in total across its sections (got \(rowCount))")
        }
        let interactive = interactive(
            "list", header: header.map { ["type": "text", "text": .string($0)] }, body: body, footer: footer,
            action: ["button": .string(label ?? ""), "sections": .array(sections)])
        return try basics.translated(interactive, reader: reader, historyType: "interactive", historyBody: body ?? "")
    }

    static func buttons(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let (basics, body, header, footer) = frame(&reader)
        let field = fields["sections"] == nil && fields["buttons"] != nil ? "buttons" : "sections"
        let values = reader.array(reader.structure(field), at: field, required: true, minCount: 1, maxCount: 3) ?? []
        var buttons: [CloudJSON] = []
        var titles: Set<String> = []
        for (index, value) in values.enumerated() {
            let path = "\(field)[\(index)]"
            guard let button = reader.object(value, at: path, required: true) else { continue }
            var replyPath = path
            var reply = button
            if let nested = button["reply"] {
                replyPath = "\(path).reply"
                reply = reader.object(nested, at: replyPath, required: true) ?? [:]
            }
            if let type = button["type"]?.scalarText, type.lowercased() != "reply" {
                reader.report("\(path).type", "must be \"reply\" (got \"\(type)\")")
            }
            let id = reader.text(reply["id"], at: "\(replyPath).id", required: true, maxLength: 256)
            let title = reader.text(reply["title"], at: "\(replyPath).title", required: true, maxLength: 20)
            if let id, id != id.trimmingCharacters(in: .whitespaces) {
                reader.report("\(replyPath).id", "must not start or end with spaces")
            }
            if let title, !titles.insert(title).inserted {
                reader.report("\(replyPath).title", "must be unique among the buttons (\"\(title)\" is used twice)")
            }
            if let id, let title {
                buttons.append(["type": "reply", "reply": ["id": .string(id), "title": .string(title)]])
            }
        }
        let interactive = interactive(
            "button", header: header, body: body, footer: footer, action: ["buttons": .array(buttons)])
        return try basics.translated(interactive, reader: reader, historyType: "interactive", historyBody: body ?? "")
    }

    static func locationRequest(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        let body = reader.text("body", required: true, maxLength: 1024)
        let interactive = interactive(
            "location_request_message", header: nil, body: body, footer: nil, action: ["name": "send_location"])
        return try basics.translated(interactive, reader: reader, historyType: "interactive", historyBody: body ?? "")
    }

    static func ctaURL(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let (basics, body, header, footer) = frame(&reader)
        let displayName = fields["displayText"] == nil && fields["display_text"] != nil ? "display_text" : "displayText"
        let displayText = reader.text(displayName, required: true, maxLength: 20)
        let url = reader.webURL(fields["url"], at: "url", required: true)
        let interactive = interactive(
            "cta_url", header: header, body: body, footer: footer,
            action: ["name": "cta_url", "parameters": ["display_text": .string(displayText ?? ""), "url": .string(url ?? "")]])
        return try basics.translated(interactive, reader: reader, historyType: "interactive", historyBody: body ?? "")
    }

    static func flow(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let (basics, body, header, footer) = frame(&reader)
        let flowID = reader.text("flowId", maxLength: 64)
        let flowName = reader.text("flowName", maxLength: 200)
        if flowID == nil, flowName == nil, fields["flowId"] == nil, fields["flowName"] == nil {
            reader.report("flowId", "is required (or send flowName)")
        }
        let token = reader.text("flowToken", maxLength: 2048) ?? "unused"
        let cta = reader.text("flowCta", required: true, maxLength: 20)
        let version = reader.choice(fields["flowMessageVersion"], at: "flowMessageVersion", from: ["3"]) ?? "3"
        let mode = reader.choice(fields["mode"], at: "mode", from: ["draft", "published"])
        let action = reader.choice(fields["flowAction"], at: "flowAction", from: ["navigate", "data_exchange"]) ?? "navigate"
        var payload = reader.object(reader.structure("flowActionPayload"), at: "flowActionPayload") ?? [:]
        if payload["screen"] == nil, let screen = fields["flowActionScreen"] { payload["screen"] = screen }
        if payload["data"] == nil, let data = reader.structure("flowActionData") { payload["data"] = data }
        var actionPayload: CloudJSON?
        if action == "navigate" {
            let screen = reader.text(payload["screen"], at: "flowActionPayload.screen", maxLength: 200)
            if payload["screen"] == nil { reader.report("flowActionPayload.screen", "is required when flowAction is navigate") }
            var data: CloudJSON?
            if let value = payload["data"] {
                let object = reader.object(value, at: "flowActionPayload.data")
                if let object, object.isEmpty { reader.report("flowActionPayload.data", "must not be an empty object; leave it out instead") }
                data = object.map(CloudJSON.object)
            }
            actionPayload = .members(["screen": .text(screen), "data": data])
        }
        let parameters = CloudJSON.members([
            "flow_message_version": .string(version), "flow_token": .string(token), "flow_id": .text(flowID),
            "flow_name": flowID == nil ? .text(flowName) : nil, "flow_cta": .string(cta ?? ""), "mode": .text(mode),
            "flow_action": .string(action), "flow_action_payload": actionPayload,
        ])
        let interactive = interactive(
            "flow", header: header, body: body, footer: footer, action: ["name": "flow", "parameters": parameters])
        return try basics.translated(interactive, reader: reader, historyType: "interactive", historyBody: body ?? "")
    }

    static func carousel(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        let body = reader.text("body", required: true, maxLength: 1024)
        var cardsPath = "cards"
        var cardsValue = reader.structure("cards")
        if cardsValue == nil, var params = reader.structure("params") {
            // The template-like form: cards inside a component of type carousel. A form cannot tell a
            // one-item list from its item, so a lone component counts as the list.
            if case .object = params { params = .array([params]) }
            for (index, component) in (reader.array(params, at: "params") ?? []).enumerated() {
                if let object = reader.object(component, at: "params[\(index)]"), object["type"]?.scalarText?.lowercased() == "carousel" {
                    cardsPath = "params[\(index)].cards"
                    cardsValue = object["cards"]
                }
            }
        }
        if cardsValue == nil, fields["cards"] == nil {
            reader.report("cards", "is required: 2 to 10 cards")
        }
        let values = reader.array(cardsValue, at: cardsPath, minCount: 2, maxCount: 10) ?? []
        var cards: [CloudJSON] = []
        var actionKinds: Set<String> = []
        for (index, value) in values.enumerated() {
            let path = "\(cardsPath)[\(index)]"
            guard let given = reader.object(value, at: path, required: true) else { continue }
            let card = interactiveCard(given)
            let header = mediaHeader(card["header"], at: "\(path).header", types: ["image", "video"], reader: &reader)
            let cardBody: String? =
                if case .object(let object)? = card["body"] {
                    reader.text(object["text"], at: "\(path).body.text", maxLength: 160)
                } else {
                    reader.text(card["body"], at: "\(path).body", maxLength: 160)
                }
            let action = reader.object(card["action"], at: "\(path).action", required: true) ?? [:]
            var cloudAction: CloudJSON?
            if let buttons = action["buttons"] {
                actionKinds.insert("quick_reply")
                let list = reader.array(buttons, at: "\(path).action.buttons", required: true, minCount: 1, maxCount: 2) ?? []
                var replies: [CloudJSON] = []
                for (buttonIndex, button) in list.enumerated() {
                    let buttonPath = "\(path).action.buttons[\(buttonIndex)]"
                    let object = reader.object(button, at: buttonPath, required: true) ?? [:]
                    let reply: [String: FieldValue] = if case .object(let nested)? = object["quick_reply"] { nested } else { object }
                    let id = reader.text(reply["id"], at: "\(buttonPath).quick_reply.id", required: true, maxLength: 256)
                    let title = reader.text(reply["title"], at: "\(buttonPath).quick_reply.title", required: true, maxLength: 20)
                    replies.append(["type": "quick_reply", "quick_reply": ["id": .string(id ?? ""), "title": .string(title ?? "")]])
                }
                cloudAction = ["buttons": .array(replies)]
            } else if !action.isEmpty {
                actionKinds.insert("cta_url")
                let parameters: [String: FieldValue] = if case .object(let nested)? = action["parameters"] { nested } else { action }
                let displayText = reader.text(
                    parameters["display_text"] ?? parameters["displayText"], at: "\(path).action.parameters.display_text",
                    required: true, maxLength: 20)
                let url = reader.webURL(parameters["url"], at: "\(path).action.parameters.url", required: true)
                cloudAction = ["name": "cta_url", "parameters": ["display_text": .string(displayText ?? ""), "url": .string(url ?? "")]]
            }
            // Meta's carousel syntax gives every card `type: cta_url`, whichever kind of button it carries.
            cards.append(
                .members([
                    "card_index": .number(String(index)), "type": "cta_url",
                    "header": header, "body": cardBody.map { ["text": .string($0)] }, "action": cloudAction,
                ]))
        }
        if actionKinds.count > 1 {
            reader.report(cardsPath, "must all use the same kind of action (all cta_url, or all quick-reply buttons)")
        }
        let interactive = interactive(
            "carousel", header: nil, body: body, footer: nil, action: ["cards": .array(cards)])
        return try basics.translated(interactive, reader: reader, historyType: "interactive", historyBody: body ?? "")
    }

    /// A card in the template style (`components`: a header whose first parameter is the media, a body with
    /// text, `url` or `quick_reply` buttons) in the interactive style (`header`, `body`, `action`); other
    /// cards are left as they are.
    static func interactiveCard(_ card: [String: FieldValue]) -> [String: FieldValue] {
        guard card["header"] == nil, card["action"] == nil, case .array(let components)? = card["components"] else { return card }
        var result = card
        var replies: [FieldValue] = []
        for case .object(let component) in components {
            let parameters: [FieldValue] =
                switch component["parameters"] {
                case .array(let list)?: list
                case let single?: [single]
                case nil: []
                }
            switch component["type"]?.scalarText?.lowercased() {
            case "header":
                result["header"] = parameters.first
            case "body":
                result["body"] = component["text"] ?? parameters.first?["text"]
            case "button" where component["sub_type"]?.scalarText?.lowercased() == "quick_reply":
                let payload = parameters.first?["payload"]
                replies.append(["id": payload ?? .null, "title": component["text"] ?? parameters.first?["text"] ?? payload ?? .null])
            case "button":
                let link = parameters.first { $0["url"] != nil } ?? parameters.first
                result["action"] = ["display_text": link?["display_text"] ?? link?["text"] ?? .null, "url": link?["url"] ?? .null]
            default:
                break
            }
        }
        if !replies.isEmpty { result["action"] = ["buttons": .array(replies)] }
        return result
    }

    static func product(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        var action = reader.object(reader.structure("action"), at: "action") ?? [:]
        if action["catalog_id"] == nil { action["catalog_id"] = fields["catalog_id"] ?? fields["catalogId"] }
        if action["product_retailer_id"] == nil {
            action["product_retailer_id"] = fields["product_retailer_id"] ?? fields["productRetailerId"]
        }
        let catalogID = reader.text(action["catalog_id"], at: "action.catalog_id", required: true, maxLength: 64)
        let footer = reader.text("footer", maxLength: 60)
        let interactive: CloudMessage.Content
        var notes: [String] = []
        let body: String?
        if let sectionValues = action["sections"] {
            body = reader.text("body", required: true, maxLength: 1024)
            let header = reader.text("header", maxLength: 60)
            if header == nil, fields["header"] == nil {
                reader.report("header", "is required for a product list (a text of at most 60 characters)")
            }
            let values = reader.array(sectionValues, at: "action.sections", required: true, minCount: 1, maxCount: 10) ?? []
            var sections: [CloudJSON] = []
            var itemCount = 0
            for (index, value) in values.enumerated() {
                let path = "action.sections[\(index)]"
                let section = reader.object(value, at: path, required: true) ?? [:]
                let title = reader.text(section["title"], at: "\(path).title", required: true, maxLength: 24)
                let items = reader.array(section["product_items"], at: "\(path).product_items", required: true, minCount: 1) ?? []
                itemCount += items.count
                var products: [CloudJSON] = []
                for (itemIndex, item) in items.enumerated() {
                    let itemPath = "\(path).product_items[\(itemIndex)]"
                    let object = reader.object(item, at: itemPath, required: true) ?? [:]
                    let id = reader.text(object["product_retailer_id"], at: "\(itemPath).product_retailer_id", required: true)
                    products.append(["product_retailer_id": .string(id ?? "")])
                }
                sections.append(["title": .string(title ?? ""), "product_items": .array(products)])
            }
            if itemCount > 30 {
                reader.report("action.sections", "must hold at most 30 products in total (got \(itemCount))")
            }
            interactive = Self.interactive(
                "product_list", header: header.map { ["type": "text", "text": .string($0)] }, body: body, footer: footer,
                action: ["catalog_id": .string(catalogID ?? ""), "sections": .array(sections)])
        } else {
            body = reader.text("body", maxLength: 1024)
            let productID = reader.text(
                action["product_retailer_id"], at: "action.product_retailer_id", required: true, maxLength: 100)
            if fields["header"] != nil { notes.append("header dropped: WhatsApp shows no header on a single product") }
            interactive = Self.interactive(
                "product", header: nil, body: body, footer: footer,
                action: ["catalog_id": .string(catalogID ?? ""), "product_retailer_id": .string(productID ?? "")])
        }
        return try basics.translated(
            interactive, reader: reader, historyType: "interactive", historyBody: body ?? "", notes: notes)
    }

    static func address(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        let body = reader.text("body", required: true, maxLength: 1024)
        let country = reader.choice(fields["country"], at: "country", from: ["IN", "SG"]) ?? "IN"
        let values = reader.object(reader.structure("values"), at: "values")
        let saved = reader.array(reader.structure("saved_addresses"), at: "saved_addresses")?.enumerated().compactMap { index, item in
            reader.object(item, at: "saved_addresses[\(index)]", required: true).map(CloudJSON.object)
        }
        let errors = reader.object(reader.structure("validation_errors"), at: "validation_errors")
        let parameters = CloudJSON.members([
            "country": .string(country), "values": values.map(CloudJSON.object),
            "saved_addresses": saved.map(CloudJSON.array), "validation_errors": errors.map(CloudJSON.object),
        ])
        let interactive = interactive(
            "address_message", header: nil, body: body, footer: nil,
            action: ["name": "address_message", "parameters": parameters])
        return try basics.translated(interactive, reader: reader, historyType: "interactive", historyBody: body ?? "")
    }

    // MARK: Parts

    /// What most interactive messages share: recipient and reply context, `body` (required, ≤ 1024), `header`
    /// (text, image, video or document) and `footer` (≤ 60).
    static func frame(_ reader: inout FieldReader) -> (SendBasics, body: String?, header: CloudJSON?, footer: String?) {
        let basics = SendBasics(reading: &reader)
        let body = reader.text("body", required: true, maxLength: 1024)
        return (basics, body, header(&reader), reader.text("footer", maxLength: 60))
    }

    static func interactive(
        _ type: String, header: CloudJSON?, body: String?, footer: String?, action: CloudJSON
    ) -> CloudMessage.Content {
        .interactive(
            .members([
                "type": .string(type), "header": header, "body": body.map { ["text": .string($0)] },
                "footer": footer.map { ["text": .string($0)] }, "action": action,
            ]))
    }

    /// The optional `header`: text (as a string or `{type: "text", text}`) or an image, video or document.
    static func header(_ reader: inout FieldReader) -> CloudJSON? {
        guard let value = reader.structure("header") else { return nil }
        if case .object = value {
            return mediaHeader(value, at: "header", types: headerTypes, reader: &reader)
        }
        return reader.text(value, at: "header", maxLength: 60).map { ["type": "text", "text": .string($0)] }
    }

    /// A header object of one of `types`; media by `link` or `id`, nested (`{type, image: {link}}`) or flat
    /// (`{type, link}`).
    static func mediaHeader(_ value: FieldValue?, at path: String, types: [String], reader: inout FieldReader) -> CloudJSON? {
        guard let object = reader.object(value, at: path, required: true) else { return nil }
        let inferred = object["type"] == nil ? types.first { object[$0] != nil } : nil
        guard let type = inferred ?? reader.choice(object["type"], at: "\(path).type", required: true, from: types) else {
            return nil
        }
        if type == "text" {
            let text = reader.text(object["text"], at: "\(path).text", required: true, maxLength: 60)
            return .members(["type": "text", "text": .text(text)])
        }
        let media: [String: FieldValue] = if case .object(let nested)? = object[type] { nested } else { object }
        let mediaPath = object[type] == nil ? path : "\(path).\(type)"
        let link = reader.webURL(media["link"], at: "\(mediaPath).link")
        let id = reader.text(media["id"], at: "\(mediaPath).id")
        if media["link"] == nil, media["id"] == nil {
            reader.report("\(mediaPath).link", "is required (a public http(s) URL of the \(type), or send id)")
        }
        let filename = type == "document" ? reader.text(media["filename"], at: "\(mediaPath).filename") : nil
        return [
            "type": .string(type),
            type: .members(["link": .text(link), "id": link == nil ? .text(id) : nil, "filename": .text(filename)]),
        ]
    }
}
