import Cloud
import Foundation
import OneMsg

/// What the bridge charges per delivered message of each Meta pricing category, in the operator's
/// currency. Meta's status webhooks carry the category but no amount, so the amounts are configured.
public struct PriceTable: Sendable, Hashable {
    /// Price per billable message, by Meta's category (`marketing`, `utility`, `authentication`, …).
    public var prices: [String: Double]

    public init(prices: [String: Double] = [:]) {
        self.prices = prices
    }

    /// Reads `marketing=0.025,utility=0.004`; `nil` when an entry is not `category=number`.
    public init?(parsing text: String) {
        var prices: [String: Double] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let price = Double(parts[1]), price >= 0 else { return nil }
            prices[parts[0].lowercased()] = price
        }
        self.prices = prices
    }
}

/// A calendar month (UTC).
public struct StatisticsMonth: Sendable, Hashable, Comparable {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// `mm.YYYY`, as `GET /statistics?date=` takes it; `nil` when the text is not such a month.
    public init?(oneMsgDate text: String) {
        // Plain digits only, as FieldReader.integer reads them: Int("+1") would take a sign.
        guard let match = text.wholeMatch(of: /([0-9]{2})\.([0-9]{4})/), let month = Int(match.1), let year = Int(match.2),
            (1...12).contains(month), (1970...9999).contains(year)
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The month `date` falls in.
    public init(containing date: Date) {
        let parts = Self.calendar.dateComponents([.year, .month], from: date)
        self.init(year: parts.year ?? 1970, month: parts.month ?? 1)
    }

    public var start: Date {
        Self.calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? Date(timeIntervalSince1970: 0)
    }

    public var next: StatisticsMonth {
        month == 12 ? StatisticsMonth(year: year + 1, month: 1) : StatisticsMonth(year: year, month: month + 1)
    }

    public var previous: StatisticsMonth {
        month == 1 ? StatisticsMonth(year: year - 1, month: 12) : StatisticsMonth(year: year, month: month - 1)
    }

    /// `03.2022`.
    public var oneMsgDate: String { String(format: "%02d.%04d", month, year) }
    /// `2022-03-01T00:00:00Z`.
    public var periodDate: String { String(format: "%04d-%02d-01T00:00:00Z", year, month) }

    public static func < (lhs: StatisticsMonth, rhs: StatisticsMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// `GET /statistics` and `GET /extendedStatistics`: the bridge's own accounting of the messages it sent,
/// from the pricing block of Meta's status webhooks. Each message counts once, in the month of its
/// first status that carries pricing.
public enum StatisticsTranslation {
    /// Meta's categories of messages the business starts (templates); `service` is the customer's.
    static let businessInitiated: Set<String> = [
        "marketing", "utility", "authentication", "authentication_international", "marketing_lite",
    ]

    /// One counted message.
    struct Counted {
        var month: StatisticsMonth
        var category: String
        var paid: Bool
        var freeEntryPoint: Bool
    }

    /// The counted messages among `statuses` (Meta status objects), one per message id.
    static func counted(_ statuses: [CloudWebhookPayload.Status]) -> [Counted] {
        var first: [String: CloudWebhookPayload.Status] = [:]
        for status in statuses where status.pricing != nil {
            if let seen = first[status.id], (Int(seen.timestamp) ?? 0) <= (Int(status.timestamp) ?? 0) { continue }
            first[status.id] = status
        }
        return first.values.map { status in
            let pricing = status.pricing
            let category = pricing?.category?.lowercased() ?? "unknown"
            let type = pricing?.type?.lowercased() ?? ""
            let entryPoint =
                type == "free_entry_point" || category == "referral_conversion"
                || status.conversation?.origin?.type == "referral_conversion"
            let paid = pricing?.billable != false && !type.hasPrefix("free") && !entryPoint
            return Counted(
                month: StatisticsMonth(containing: Date(timeIntervalSince1970: TimeInterval(Int(status.timestamp) ?? 0))),
                category: category, paid: paid, freeEntryPoint: entryPoint)
        }
    }

    /// `GET /statistics?date=mm.YYYY`: the cost of the month's paid business-initiated (template) messages.
    public static func statistics(month: StatisticsMonth, statuses: [CloudWebhookPayload.Status], prices: PriceTable) -> StatisticsReply {
        let cost = counted(statuses)
            .filter { $0.month == month && $0.paid && businessInitiated.contains($0.category) }
            .reduce(0) { $0 + (prices.prices[$1.category] ?? 0) }
        return StatisticsReply(date: month.oneMsgDate, templates_cost: rounded(cost))
    }

    /// `GET /extendedStatistics`: one row per month from `first` to `last`, zeros where nothing was sent.
    public static func extended(
        from first: StatisticsMonth, to last: StatisticsMonth, statuses: [CloudWebhookPayload.Status], prices: PriceTable
    ) -> [ExtendedStatisticsRow] {
        let byMonth = Dictionary(grouping: counted(statuses), by: \.month)
        var rows: [ExtendedStatisticsRow] = []
        var month = first
        while month <= last {
            var row = ExtendedStatisticsRow(periodDate: month.periodDate)
            for message in byMonth[month] ?? [] {
                let price = message.paid ? prices.prices[message.category] ?? 0 : 0
                let business = businessInitiated.contains(message.category)
                row.quantity += 1
                if message.paid {
                    row.paid_quantity += 1
                    row.total_price += price
                } else {
                    row.free_quantity += 1
                }
                if message.freeEntryPoint { row.free_entry_point += 1 }
                if business {
                    row.business_initiated_quantity += 1
                    if message.paid { row.business_initiated_paid_quantity += 1 }
                    row.business_initiated_price += price
                } else if message.category == "service" {
                    row.user_initiated_quantity += 1
                    if message.paid { row.user_initiated_paid_quantity += 1 }
                    row.user_initiated_price += price
                }
            }
            row.total_price = rounded(row.total_price)
            row.business_initiated_price = rounded(row.business_initiated_price)
            row.user_initiated_price = rounded(row.user_initiated_price)
            rows.append(row)
            month = month.next
        }
        return rows
    }

    static func rounded(_ amount: Double) -> Double {
        (amount * 10_000).rounded() / 10_000
    }
}
