import Cloud
import Foundation
import Hummingbird
import OneMsg
import Store
import Translation

/// `GET /statistics` and `GET /extendedStatistics`: the bridge's own accounting of what the channel's
/// messages cost, from the pricing Meta reports in status webhooks and the operator's price table.
struct StatisticsController: Sendable {
    let store: any BridgeStore
    let prices: PriceTable
    /// How many months `GET /extendedStatistics` covers, the current one included.
    static let extendedMonths = 12
    /// Statuses are selected by arrival; a day's margin keeps those that arrived late for their month.
    static let margin: TimeInterval = 86_400

    func register(on group: RouterGroup<OneMsgRequestContext>) {
        group.oneMsg(.get, "statistics") { _, context in try await statistics(context: context) }
        group.oneMsg(.get, "extendedStatistics") { _, context in try await extended(context: context) }
    }

    /// `?date=mm.YYYY`, the current month when absent; a month without messages costs 0.
    func statistics(context: OneMsgRequestContext) async throws -> StatisticsReply {
        let channel = context.channel
        var reader = FieldReader(context.fields)
        var month = StatisticsMonth(containing: Date())
        if let text = reader.text("date") {
            guard let asked = StatisticsMonth(oneMsgDate: text) else {
                throw BridgeError.invalid(
                    ValidationError([FieldProblem(field: "date", rule: "must be a month as mm.YYYY, such as 03.2022 (got \"\(text)\")")]))
            }
            month = asked
        }
        let statuses = try await statuses(channelID: channel.id, from: month, to: month)
        return StatisticsTranslation.statistics(month: month, statuses: statuses, prices: prices)
    }

    /// One row per month for the last ``extendedMonths`` months, oldest first, zeros where nothing was sent.
    func extended(context: OneMsgRequestContext) async throws -> Response {
        let channel = context.channel
        let last = StatisticsMonth(containing: Date())
        var first = last
        for _ in 1..<Self.extendedMonths { first = first.previous }
        let statuses = try await statuses(channelID: channel.id, from: first, to: last)
        return try BridgeJSON.response(StatisticsTranslation.extended(from: first, to: last, statuses: statuses, prices: prices))
    }

    private func statuses(channelID: String, from first: StatisticsMonth, to last: StatisticsMonth) async throws -> [CloudWebhookPayload.Status] {
        let raws = try await BridgeError.storing {
            try await store.statuses(
                channelID: channelID, receivedFrom: first.start.addingTimeInterval(-Self.margin),
                to: last.next.start.addingTimeInterval(Self.margin))
        }
        let decoder = JSONDecoder()
        return raws.compactMap { try? decoder.decode(CloudWebhookPayload.Status.self, from: Data($0)) }
    }
}

extension StatisticsReply: ResponseEncodable {}
