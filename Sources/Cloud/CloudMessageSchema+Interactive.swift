extension CloudMessageSchema {
    /// The `interactive.type` values Meta sends.
    public static let interactiveTypes: [String] = [
        "address_message", "button", "call_permission_request", "carousel", "catalog_message", "cta_url", "flow",
        "list", "location_request_message", "order_details", "order_status", "product", "product_list",
        "request_contact_info", "voice_call",
    ]
    /// The header kinds of an interactive message.
    static let headerTypes: Set<String> = ["text", "image", "video", "document"]

    static func interactive(_ content: CloudJSON, check: inout SchemaCheck) {
        guard let object = check.object(content, at: "interactive") else { return }
        guard case .string(let type)? = object["type"], interactiveTypes.contains(type) else {
            check.report(
                "interactive.type", "must be one of \(interactiveTypes.joined(separator: ", ")) (got \(show(object["type"])))")
            return
        }
        if let header = object["header"] { interactiveHeader(header, check: &check) }
        if let body = object["body"], let members = check.object(body, at: "interactive.body") {
            check.text(members["text"], at: "interactive.body.text", required: true, maxLength: 1024)
        } else if object["body"] == nil, type != "product" {
            check.report("interactive.body", "is required: an object with text (every interactive type but product has one)")
        }
        if let footer = object["footer"], let members = check.object(footer, at: "interactive.footer") {
            check.text(members["text"], at: "interactive.footer.text", required: true, maxLength: 60)
        }
        guard let action = object["action"] else {
            check.report("interactive.action", "is required")
            return
        }
        guard let members = check.object(action, at: "interactive.action") else { return }
        switch type {
        case "button": buttons(members, check: &check)
        case "list": list(members, check: &check)
        case "cta_url": ctaURL(members, check: &check)
        case "product":
            check.text(members["catalog_id"], at: "interactive.action.catalog_id", required: true, maxLength: 256)
            check.text(members["product_retailer_id"], at: "interactive.action.product_retailer_id", required: true, maxLength: 256)
            if object["header"] != nil { check.report("interactive.header", "is not allowed on a product message") }
        case "product_list": productList(members, header: object["header"], check: &check)
        case "flow": flow(members, check: &check)
        case "carousel":
            check.array(members["cards"], at: "interactive.action.cards", count: 2...10)
        case "location_request_message":
            if members["name"] != .string("send_location") { check.report("interactive.action.name", "must be \"send_location\"") }
        case "address_message":
            let parameters = members["parameters"].flatMap { check.object($0, at: "interactive.action.parameters") }
            check.text(parameters?["country"], at: "interactive.action.parameters.country", required: true, maxLength: 2)
        default:
            break
        }
    }

    static func interactiveHeader(_ header: CloudJSON, check: inout SchemaCheck) {
        guard let members = check.object(header, at: "interactive.header") else { return }
        guard case .string(let type)? = members["type"], headerTypes.contains(type) else {
            check.report("interactive.header.type", "must be one of document, image, text, video (got \(show(members["type"])))")
            return
        }
        if type == "text" {
            check.text(members["text"], at: "interactive.header.text", required: true, maxLength: 60)
            check.text(members["sub_text"], at: "interactive.header.sub_text", maxLength: 60)
        } else if let media = members[type] {
            if let object = check.object(media, at: "interactive.header.\(type)"), object["id"] == nil {
                check.url(object["link"], at: "interactive.header.\(type).link")
            }
        } else {
            check.report("interactive.header.\(type)", "is required for a \(type) header")
        }
    }

    /// Reply buttons: one to three, each `{"type": "reply", "reply": {"id" ≤ 256, "title" ≤ 20}}`, titles unique.
    static func buttons(_ action: [String: CloudJSON], check: inout SchemaCheck) {
        guard let buttons = check.array(action["buttons"], at: "interactive.action.buttons", count: 1...3) else { return }
        var titles: Set<String> = []
        for (index, button) in buttons.enumerated() {
            let path = "interactive.action.buttons[\(index)]"
            guard let members = check.object(button, at: path) else { continue }
            if members["type"] != .string("reply") { check.report("\(path).type", "must be \"reply\"") }
            guard let reply = members["reply"].flatMap({ check.object($0, at: "\(path).reply") }) else {
                if members["reply"] == nil { check.report("\(path).reply", "is required: {\"id\", \"title\"}") }
                continue
            }
            check.text(reply["id"], at: "\(path).reply.id", required: true, maxLength: 256)
            if let title = check.text(reply["title"], at: "\(path).reply.title", required: true, maxLength: 20), !titles.insert(title).inserted {
                check.report("\(path).reply.title", "must differ from the other buttons' titles (\"\(title)\" is used twice)")
            }
        }
    }

    /// A list: a button label ≤ 20, one to ten sections, at most ten rows in all.
    static func list(_ action: [String: CloudJSON], check: inout SchemaCheck) {
        check.text(action["button"], at: "interactive.action.button", required: true, maxLength: 20)
        guard let sections = check.array(action["sections"], at: "interactive.action.sections", count: 1...10) else { return }
        var rowCount = 0
        for (index, section) in sections.enumerated() {
            let path = "interactive.action.sections[\(index)]"
            guard let members = check.object(section, at: path) else { continue }
            check.text(members["title"], at: "\(path).title", required: sections.count > 1, maxLength: 24)
            guard let rows = check.array(members["rows"], at: "\(path).rows", count: 1...10) else { continue }
            rowCount += rows.count
            for (rowIndex, row) in rows.enumerated() {
                guard let fields = check.object(row, at: "\(path).rows[\(rowIndex)]") else { continue }
                check.text(fields["id"], at: "\(path).rows[\(rowIndex)].id", required: true, maxLength: 200)
                check.text(fields["title"], at: "\(path).rows[\(rowIndex)].title", required: true, maxLength: 24)
                check.text(fields["description"], at: "\(path).rows[\(rowIndex)].description", maxLength: 72)
            }
        }
        if rowCount > 10 { check.report("interactive.action.sections", "must hold at most 10 rows in all (got \(rowCount))") }
    }

    static func ctaURL(_ action: [String: CloudJSON], check: inout SchemaCheck) {
        if action["name"] != .string("cta_url") { check.report("interactive.action.name", "must be \"cta_url\"") }
        guard let parameters = check.object(action["parameters"], at: "interactive.action.parameters") else { return }
        check.text(parameters["display_text"], at: "interactive.action.parameters.display_text", required: true, maxLength: 20)
        check.url(parameters["url"], at: "interactive.action.parameters.url")
    }

    /// A product list: a catalog, one to ten sections of products, at most 30 products, and a text header.
    static func productList(_ action: [String: CloudJSON], header: CloudJSON?, check: inout SchemaCheck) {
        if header?["type"] != .string("text") { check.report("interactive.header", "is required on a product_list and must be a text header") }
        check.text(action["catalog_id"], at: "interactive.action.catalog_id", required: true, maxLength: 256)
        guard let sections = check.array(action["sections"], at: "interactive.action.sections", count: 1...10) else { return }
        var products = 0
        for (index, section) in sections.enumerated() {
            let path = "interactive.action.sections[\(index)]"
            guard let members = check.object(section, at: path) else { continue }
            check.text(members["title"], at: "\(path).title", required: true, maxLength: 24)
            products += check.array(members["product_items"], at: "\(path).product_items", count: 1...30)?.count ?? 0
        }
        if products > 30 { check.report("interactive.action.sections", "must hold at most 30 products in all (got \(products))") }
    }

    /// A Flow: `name: flow` and parameters naming the flow (`flow_id` or `flow_name`), its version and its button text.
    static func flow(_ action: [String: CloudJSON], check: inout SchemaCheck) {
        if action["name"] != .string("flow") { check.report("interactive.action.name", "must be \"flow\"") }
        guard let parameters = check.object(action["parameters"], at: "interactive.action.parameters") else { return }
        let path = "interactive.action.parameters"
        if parameters["flow_message_version"]?.text == nil { check.report("\(path).flow_message_version", "is required (\"3\")") }
        if parameters["flow_id"] == nil, parameters["flow_name"] == nil { check.report("\(path).flow_id", "is required (or flow_name)") }
        check.text(parameters["flow_cta"], at: "\(path).flow_cta", required: true, maxLength: 30)
    }
}
