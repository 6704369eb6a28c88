import Cloud
import OneMsg

/// `GET/POST /commerce` ↔ `/{phone-number-id}/whatsapp_commerce_settings`.
public enum CommerceTranslation {
    /// `GET /commerce`: Meta's settings objects as 1MSG's array; a missing flag reads as `false`.
    public static func reply(_ settings: [CloudCommerceSettings]) -> [CommerceReply] {
        settings.map {
            CommerceReply(id: $0.id ?? "", is_cart_enabled: $0.isCartEnabled ?? false, is_catalog_visible: $0.isCatalogVisible ?? false)
        }
    }

    /// `POST /commerce`: `params.is_cart_enabled` and `params.is_catalog_visible` (or the same names at
    /// the top level) → the query Meta takes, `true`/`false` text. At least one flag is needed.
    public static func update(_ fields: RequestFields) throws(ValidationError) -> [(name: String, value: String)] {
        var reader = FieldReader(fields)
        let params = fields["params"] == nil ? nil : reader.object(reader.structure("params"), at: "params")
        var query: [(name: String, value: String)] = []
        for name in ["is_cart_enabled", "is_catalog_visible"] {
            let path = params == nil ? name : "params.\(name)"
            guard let value = params.map({ $0[name] }) ?? fields[name] else { continue }
            guard let flag = reader.bool(value, at: path) else { continue }
            query.append((name, flag ? "true" : "false"))
        }
        if query.isEmpty, reader.problems.isEmpty {
            reader.report("params", "needs is_cart_enabled and/or is_catalog_visible (booleans)")
        }
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        return query
    }
}
