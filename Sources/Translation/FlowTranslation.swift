import Cloud
import Foundation
import OneMsg

/// 1MSG's Flows operations ↔ Meta's Flows API on the channel's business account (`/{waba-id}/flows`, `/{flow-id}`,
/// `/{flow-id}/assets|publish|deprecate`). Every request may name the account in `wabaAccountId`, which must then be
/// the channel's own: a channel never reaches another account's Flows. A Flow is named by its digits id.
public enum FlowTranslation {
    /// Meta's Flow categories.
    public static let categories = [
        "SIGN_UP", "SIGN_IN", "APPOINTMENT_BOOKING", "LEAD_GENERATION", "CONTACT_US", "CUSTOMER_SUPPORT", "SURVEY", "OTHER",
    ]
    /// What `GET /flows/{flowId}` asks Meta for when the client names no `fields`.
    public static let defaultFlowFields =
        "id,name,categories,status,validation_errors,json_version,data_api_version,endpoint_uri,whatsapp_business_account"

    /// `GET /flows`: the `fields` to ask Meta for (`nil`: Meta's defaults).
    public static func list(_ fields: RequestFields, wabaID: String) throws(ValidationError) -> String? {
        var reader = FieldReader(fields)
        checkAccount(&reader, wabaID: wabaID)
        let names = fieldNames(&reader)
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        return names
    }

    /// `POST /flows` → the body of `POST /{waba-id}/flows`: `name`, `categories`, and optionally `endpoint_uri`,
    /// `flow_json` (as JSON text) and `publish` (which needs the Flow JSON).
    public static func creation(_ fields: RequestFields, wabaID: String) throws(ValidationError) -> CloudJSON {
        var reader = FieldReader(fields)
        checkAccount(&reader, wabaID: wabaID)
        let name = reader.text("name", required: true)
        let categories = categoryList(&reader, required: true)
        let endpoint = endpointURI(&reader)
        let flowJSON = flowJSONText(&reader, required: false)
        let publish = reader.bool("publish")
        if publish == true, flowJSON == nil, fields["flowJson"] == nil {
            reader.report("publish", "needs flowJson: a Flow is published with its Flow JSON")
        }
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        return .members([
            "name": .text(name), "categories": categories.map { .array($0.map(CloudJSON.string)) },
            "endpoint_uri": .text(endpoint), "flow_json": .text(flowJSON), "publish": publish.map(CloudJSON.bool),
        ])
    }

    /// `GET /flows/{flowId}`: the Flow and the `fields` to ask Meta for (``defaultFlowFields`` without any).
    public static func lookup(
        _ flowID: String?, _ fields: RequestFields, wabaID: String
    ) throws(ValidationError) -> (id: String, fields: String) {
        var reader = FieldReader(fields)
        checkAccount(&reader, wabaID: wabaID)
        let id = checkedFlowID(flowID, &reader)
        let names = fieldNames(&reader)
        guard reader.problems.isEmpty, let id else { throw ValidationError(reader.problems) }
        return (id, names ?? defaultFlowFields)
    }

    /// The Flow that `DELETE /flows/{flowId}`, `…/publish`, `…/deprecate` and `…/preview` act on.
    public static func target(_ flowID: String?, _ fields: RequestFields, wabaID: String) throws(ValidationError) -> String {
        var reader = FieldReader(fields)
        checkAccount(&reader, wabaID: wabaID)
        let id = checkedFlowID(flowID, &reader)
        guard reader.problems.isEmpty, let id else { throw ValidationError(reader.problems) }
        return id
    }

    /// `PATCH /flows/{flowId}/assets`: the Flow and the text of its new Flow JSON (the `flow.json` file Meta takes).
    public static func assets(
        _ flowID: String?, _ fields: RequestFields, wabaID: String
    ) throws(ValidationError) -> (id: String, flowJSON: String) {
        var reader = FieldReader(fields)
        checkAccount(&reader, wabaID: wabaID)
        let id = checkedFlowID(flowID, &reader)
        let json = flowJSONText(&reader, required: true)
        guard reader.problems.isEmpty, let id, let json else { throw ValidationError(reader.problems) }
        return (id, json)
    }

    /// `PATCH /flows/{flowId}/metadata` → the body of `POST /{flow-id}`: at least one of `name`, `categories`,
    /// `endpoint_uri`.
    public static func metadata(
        _ flowID: String?, _ fields: RequestFields, wabaID: String
    ) throws(ValidationError) -> (id: String, metadata: CloudJSON) {
        var reader = FieldReader(fields)
        checkAccount(&reader, wabaID: wabaID)
        let id = checkedFlowID(flowID, &reader)
        let name = reader.text("name")
        let categories = categoryList(&reader, required: false)
        let endpoint = endpointURI(&reader)
        if reader.problems.isEmpty, name == nil, categories == nil, endpoint == nil {
            reader.report("name", "or categories or endpointUri is needed: there is nothing to change")
        }
        guard reader.problems.isEmpty, let id else { throw ValidationError(reader.problems) }
        return (
            id,
            .members([
                "name": .text(name), "categories": categories.map { .array($0.map(CloudJSON.string)) }, "endpoint_uri": .text(endpoint),
            ])
        )
    }

    /// `GET /flows`: Meta's Flow objects of every page.
    public static func list(_ flows: [CloudJSON]) -> FlowListReply {
        FlowListReply(items: flows)
    }

    /// `POST /flows`: Meta's answer, its validation errors as `validationErrors`.
    public static func created(_ created: CloudFlowCreated) -> FlowCreatedReply {
        FlowCreatedReply(id: created.id, success: created.success ?? true, validationErrors: created.validationErrors ?? [])
    }

    /// `PATCH /flows/{flowId}/assets`: Meta's answer, its validation errors as `validationErrors`.
    public static func assets(_ result: CloudFlowAssetsResult) -> FlowAssetsReply {
        FlowAssetsReply(success: result.success, validationErrors: result.validationErrors ?? [])
    }

    /// `GET /flows/{flowId}/preview`: the link and its expiry.
    public static func preview(_ preview: CloudFlowPreview, flowID: String) -> FlowPreviewReply {
        FlowPreviewReply(id: preview.id ?? flowID, previewUrl: preview.preview?.previewURL, expiresAt: preview.preview?.expiresAt)
    }

    // MARK: - Field rules

    /// `wabaAccountId`, when given, must be the channel's own business account.
    static func checkAccount(_ reader: inout FieldReader, wabaID: String) {
        guard let given = reader.numberOrText(reader.fields["wabaAccountId"], at: "wabaAccountId"), given != wabaID else { return }
        reader.report(
            "wabaAccountId",
            "must be this channel's WhatsApp Business Account id (\(wabaID)) or left out: a channel manages only its own account's Flows (got \"\(given)\")"
        )
    }

    /// A Flow id is Meta's digits id.
    static func checkedFlowID(_ text: String?, _ reader: inout FieldReader) -> String? {
        let id = (text ?? "").removingPercentEncoding ?? text ?? ""
        guard !id.isEmpty, id.count <= 32, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            reader.report("flowId", "must be a Flow id: digits only, like 1234567890123456 (got \"\(id.prefix(40))\")")
            return nil
        }
        return id
    }

    /// `fields`: Meta's field names, comma-separated or as an array, e.g. `id,name,preview.invalidate(false)`.
    static func fieldNames(_ reader: inout FieldReader) -> String? {
        let names: [String]
        switch reader.structure("fields") {
        case nil: return nil
        case .array(let items)?:
            names = items.enumerated().compactMap { index, item in reader.text(item, at: "fields[\(index)]", required: true) }
        case let value?:
            guard let text = reader.text(value, at: "fields", maxLength: 1000) else { return nil }
            names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let pattern = /[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*(\([a-z0-9_]*\))?)?/
        if let bad = names.first(where: { $0.wholeMatch(of: pattern) == nil }) {
            reader.report("fields", "must be Meta's Flow field names separated by commas, such as id,name,status (got \"\(bad.prefix(60))\")")
            return nil
        }
        return names.isEmpty ? nil : names.joined(separator: ",")
    }

    /// `categories`: one or more of ``categories`` (any letter case), as an array, JSON text of one, or one name
    /// or several separated by commas.
    static func categoryList(_ reader: inout FieldReader, required: Bool) -> [String]? {
        let items: [FieldValue]
        switch reader.structure("categories", required: required) {
        case nil: return nil
        case .array(let values)?: items = values
        case .string(let text)?: items = text.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }
        case let value?:
            reader.report("categories", "must be an array of category names, not \(value.kindName)")
            return nil
        }
        guard !items.isEmpty else {
            reader.report("categories", "must name at least one of \(categories.joined(separator: ", "))")
            return nil
        }
        var chosen: [String] = []
        for (index, item) in items.enumerated() {
            let path = items.count == 1 ? "categories" : "categories[\(index)]"
            if let category = reader.choice(item, at: path, required: true, from: categories), !chosen.contains(category) {
                chosen.append(category)
            }
        }
        return chosen.isEmpty ? nil : chosen
    }

    /// `endpointUri`: the Flow's data endpoint, which Meta calls over HTTPS only.
    static func endpointURI(_ reader: inout FieldReader) -> String? {
        guard let url = reader.webURL(reader.fields["endpointUri"], at: "endpointUri") else { return nil }
        guard url.lowercased().hasPrefix("https://") else {
            reader.report("endpointUri", "must be an https:// URL: Meta calls Flow endpoints over HTTPS only")
            return nil
        }
        return url
    }

    /// `flowJson`: the Flow JSON as an object (sent as compact JSON text with sorted keys) or as the JSON text of
    /// an object (sent verbatim, so Meta's line and column numbers match the client's text).
    static func flowJSONText(_ reader: inout FieldReader, required: Bool) -> String? {
        guard let value = reader.fields["flowJson"], !value.isUnset else {
            if required { reader.report("flowJson", "is required: the Flow JSON, as an object or its JSON text") }
            return nil
        }
        switch value {
        case .object:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) }
        case .string(let text):
            guard case .object? = try? JSONDecoder().decode(FieldValue.self, from: Data(text.utf8)) else {
                reader.report("flowJson", "must be the Flow JSON: an object or the JSON text of one (the text given is not a JSON object)")
                return nil
            }
            return text
        default:
            reader.report("flowJson", "must be the Flow JSON: an object or the JSON text of one, not \(value.kindName)")
            return nil
        }
    }
}
