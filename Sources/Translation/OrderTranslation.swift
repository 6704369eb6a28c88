import Cloud
import OneMsg

/// `sendOrderDetails` and `sendPaymentRequest`: payments in India, Singapore and Brazil. Both carry Meta's
/// `order_details` parameters (the order with its items and amounts, a reference id, the currency, the payment
/// settings), built from 1MSG's fields and checked as Meta checks them, so a wrong sum is a 400 naming the field
/// instead of a refusal from Meta.
enum OrderTranslation {
    /// The currency each payment region uses.
    static let regionCurrencies = ["IN": "INR", "SG": "SGD", "BR": "BRL"]

    /// `sendOrderDetails` → a `template` message whose components end with an `order_details` button made from
    /// `order`, `referenceId`, `currency` (default INR) and `paymentSettings`, unless `params` already has one.
    static func orderDetailsTemplate(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var problems: [FieldProblem] = []
        var translated: SendOperation.Translated?
        do {
            translated = try TemplateTranslation.template(fields)
        } catch {
            problems = error.problems
        }
        var reader = FieldReader(fields)
        var template: [String: CloudJSON] = [:]
        if case .template(.object(let members))? = translated?.message.content { template = members }
        let components: [CloudJSON] = if case .array(let items)? = template["components"] { items } else { [] }
        let hasOrderButton = components.contains { $0["sub_type"]?.text == "order_details" }
        var button: CloudJSON?
        let orderFields = ["order", "referenceId", "reference_id", "currency", "paymentSettings", "payment_settings", "type"]
        if hasOrderButton, let given = orderFields.first(where: { fields[$0] != nil }) {
            reader.report(given, "cannot be given with an order_details button in params: give the order one way")
        } else if !hasOrderButton {
            let parameters = orderDetails(&reader, in: fields.values, currency: "INR")
            button = parameters.map { details in
                [
                    "type": "button", "sub_type": "order_details", "index": "0",
                    "parameters": [["type": "action", "action": ["order_details": details]]],
                ]
            }
        }
        problems += reader.problems
        guard problems.isEmpty, var translated else { throw ValidationError(problems) }
        if let button {
            template["components"] = .array(components + [button])
            translated.message.content = .template(.object(template))
        }
        return translated
    }

    /// `sendPaymentRequest` → an interactive `order_details` message (`review_and_pay`). The order comes from
    /// `action.parameters` (Meta's names), `action` itself, or the top-level fields `sendOrderDetails` takes;
    /// `interactive` may give Meta's whole interactive object instead. `region` (IN, SG or BR) sets the currency.
    static func paymentRequest(_ fields: RequestFields) throws(ValidationError) -> SendOperation.Translated {
        var reader = FieldReader(fields)
        let basics = SendBasics(reading: &reader)
        let region = reader.choice(fields["region"], at: "region", required: true, from: ["IN", "SG", "BR"])
        let given = reader.object(reader.structure("interactive"), at: "interactive") ?? [:]
        if let type = given["type"], type.scalarText != "order_details" {
            reader.report("interactive.type", "must be order_details (got \"\(type.scalarText ?? type.kindName)\")")
        }
        let actionPath = given["action"] == nil ? "action" : "interactive.action"
        let action = reader.object(given["action"] ?? reader.structure("action"), at: actionPath) ?? [:]
        let source: [String: FieldValue]
        var sourcePath = actionPath
        if let parameters = action["parameters"] {
            sourcePath += ".parameters"
            source = reader.object(parameters, at: sourcePath, required: true) ?? [:]
        } else if action.isEmpty {
            sourcePath = ""
            source = fields.values
        } else {
            source = action
        }
        if let name = action["name"], name.scalarText != "review_and_pay" {
            reader.report("\(actionPath).name", "must be review_and_pay (got \"\(name.scalarText ?? name.kindName)\")")
        }
        let currency = region.flatMap { regionCurrencies[$0] } ?? "INR"
        let parameters = orderDetails(&reader, in: source, at: sourcePath, currency: currency)
        let givenBody = reader.object(given["body"], at: "interactive.body")?["text"]
        let body = reader.text(givenBody ?? fields["body"], at: givenBody == nil ? "body" : "interactive.body.text", required: true, maxLength: 1024)
        let interactive = CloudMessage.Content.interactive(
            .members([
                "type": "order_details", "header": given["header"], "body": .text(body).map { ["text": $0] },
                "footer": given["footer"] ?? reader.text("footer", maxLength: 60).map { ["text": .string($0)] },
                "action": parameters.map { ["name": "review_and_pay", "parameters": $0] },
            ]))
        return try basics.translated(interactive, reader: reader, historyType: "interactive", historyBody: body ?? "")
    }

    /// Meta's `order_details` parameters from `source` (1MSG's camelCase names or Meta's own), with the subtotal
    /// and total computed when absent and checked when given.
    static func orderDetails(
        _ reader: inout FieldReader, in source: [String: FieldValue], at path: String = "", currency defaultCurrency: String
    ) -> CloudJSON? {
        func field(_ names: String...) -> (value: FieldValue?, path: String) {
            let name = names.first { source[$0] != nil } ?? names[0]
            return (source[name], path.isEmpty ? name : "\(path).\(name)")
        }
        let reference = field("referenceId", "reference_id")
        let referenceID = reader.text(reference.value, at: reference.path, required: true, maxLength: 35)
        let goods = field("type")
        let type = reader.choice(goods.value, at: goods.path, from: ["digital-goods", "physical-goods"]) ?? "digital-goods"
        let currencyField = field("currency")
        let currency = reader.text(currencyField.value, at: currencyField.path) ?? defaultCurrency
        if currency != defaultCurrency {
            reader.report(currencyField.path, "must be \(defaultCurrency) for this payment (got \"\(currency)\")")
        }
        let settingsField = field("paymentSettings", "payment_settings")
        var settings: [CloudJSON]?
        if case .object(let one)? = settingsField.value {
            settings = [.object(one)]
        } else if let many = reader.array(settingsField.value, at: settingsField.path) {
            settings = many.enumerated().compactMap { index, item in
                reader.object(item, at: "\(settingsField.path)[\(index)]", required: true).map(CloudJSON.object)
            }
        }
        let configuration = field("paymentConfiguration", "payment_configuration")
        let paymentType = field("paymentType", "payment_type")
        let orderField = field("order")
        guard let order = reader.object(orderField.value, at: orderField.path, required: true),
            var checked = OrderReader(path: orderField.path).read(order, reader: &reader)
        else { return nil }
        let totalField = field("totalAmount", "total_amount")
        if let given = reader.object(totalField.value, at: totalField.path),
            let amount = OrderReader(path: totalField.path).amount(given, at: totalField.path, reader: &reader),
            amount != checked.total
        {
            reader.report("\(totalField.path).value", "must equal subtotal + tax + shipping − discount (\(checked.total.value), got \(amount.value))")
        }
        checked.order["status"] = checked.order["status"] ?? "pending"
        return .members([
            "reference_id": .text(referenceID), "type": .string(type), "currency": .string(currency),
            "payment_settings": settings.map(CloudJSON.array),
            "payment_configuration": .text(reader.text(configuration.value, at: configuration.path)),
            "payment_type": .text(reader.text(paymentType.value, at: paymentType.path)),
            "total_amount": checked.total.json, "order": .object(checked.order),
        ])
    }
}

/// Reads and checks an order: items with amounts and quantities, the optional tax, shipping and discount, and the
/// subtotal (Σ item price × quantity, using `sale_amount` where given).
struct OrderReader {
    /// An amount in minor units: `value` / `offset` (value 50000 with offset 100 is 500.00).
    struct Amount: Equatable {
        var value: Int
        var offset: Int
        var json: CloudJSON { ["value": .number(String(value)), "offset": .number(String(offset))] }
    }

    let path: String
    static let statuses = ["pending", "processing", "partially-shipped", "shipped", "completed", "canceled"]

    /// The order as Meta takes it and its total, or `nil` with the problems reported.
    func read(_ order: [String: FieldValue], reader: inout FieldReader) -> (order: [String: CloudJSON], total: Amount)? {
        let before = reader.problems.count
        var out = order
        if let status = reader.choice(order["status"], at: "\(path).status", from: Self.statuses) { out["status"] = .string(status) }
        let items = reader.array(order["items"], at: "\(path).items", required: true, minCount: 1, maxCount: 999) ?? []
        var itemsOut: [CloudJSON] = []
        var amounts: [Amount] = []
        var subtotal = 0
        for (index, value) in items.enumerated() {
            let itemPath = "\(path).items[\(index)]"
            guard var item = reader.object(value, at: itemPath, required: true) else { continue }
            _ = reader.text(item["retailer_id"], at: "\(itemPath).retailer_id", required: true)
            _ = reader.text(item["name"], at: "\(itemPath).name", required: true, maxLength: 60)
            let quantity = reader.integer(item["quantity"], at: "\(itemPath).quantity", required: true, in: 1...Int(Int32.max))
            let amount = requiredAmount(item["amount"], at: "\(itemPath).amount", reader: &reader)
            let sale = item["sale_amount"].flatMap { reader.object($0, at: "\(itemPath).sale_amount") }
                .flatMap { self.amount($0, at: "\(itemPath).sale_amount", reader: &reader) }
            guard let quantity, let amount else { continue }
            item["quantity"] = .number(String(quantity))
            item["amount"] = amount.json
            if let sale { item["sale_amount"] = sale.json }
            amounts += [amount] + (sale.map { [$0] } ?? [])
            subtotal += (sale ?? amount).value * quantity
            itemsOut.append(.object(item))
        }
        out["items"] = .array(itemsOut)
        var extras: [String: Amount] = [:]
        for name in ["tax", "shipping", "discount"] {
            guard let value = order[name], let object = reader.object(value, at: "\(path).\(name)") else { continue }
            guard let amount = amount(object, at: "\(path).\(name)", reader: &reader) else { continue }
            var member = object
            member["value"] = .number(String(amount.value))
            member["offset"] = .number(String(amount.offset))
            out[name] = .object(member)
            extras[name] = amount
            amounts.append(amount)
        }
        let offset = amounts.first?.offset ?? 100
        if amounts.contains(where: { $0.offset != offset }) {
            reader.report("\(path)", "amounts must all use the same offset (found \(Set(amounts.map(\.offset)).sorted()))")
        }
        let computed = Amount(value: subtotal, offset: offset)
        // A sum over items that were refused would be wrong too: the subtotal is checked only over a readable order.
        if reader.problems.count == before, let given = order["subtotal"], let object = reader.object(given, at: "\(path).subtotal"),
            let amount = amount(object, at: "\(path).subtotal", reader: &reader), amount != computed
        {
            reader.report("\(path).subtotal.value", "must equal the sum of the items' price × quantity (\(subtotal), got \(amount.value))")
        }
        out["subtotal"] = computed.json
        guard reader.problems.count == before else { return nil }
        let total = subtotal + (extras["tax"]?.value ?? 0) + (extras["shipping"]?.value ?? 0) - (extras["discount"]?.value ?? 0)
        return (out, Amount(value: total, offset: offset))
    }

    private func requiredAmount(_ value: FieldValue?, at path: String, reader: inout FieldReader) -> Amount? {
        reader.object(value, at: path, required: true).flatMap { amount($0, at: path, reader: &reader) }
    }

    /// `{value, offset}`: a whole non-negative value in minor units; the offset defaults to 100.
    func amount(_ object: [String: FieldValue], at path: String, reader: inout FieldReader) -> Amount? {
        let value = reader.integer(object["value"], at: "\(path).value", required: true, in: 0...Int(Int32.max))
        let offset = object["offset"] == nil ? 100 : reader.integer(object["offset"], at: "\(path).offset", in: 1...10_000)
        guard let value, let offset else { return nil }
        return Amount(value: value, offset: offset)
    }
}
