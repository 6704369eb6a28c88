import Cloud
import Foundation

/// The simulator's groups, by Meta's group id, with the order each number created them in.
struct GroupState: Sendable {
    var groups: [String: SimulatedGroup] = [:]
    /// Group ids per phone number id, oldest first.
    var order: [String: [String]] = [:]

    /// The number's groups, oldest first.
    func groups(of phoneNumberID: String) -> [SimulatedGroup] {
        (order[phoneNumberID] ?? []).compactMap { groups[$0] }
    }

    mutating func add(_ group: SimulatedGroup) {
        groups[group.id] = group
        order[group.phoneNumberID, default: []].append(group.id)
    }

    mutating func remove(_ id: String) {
        guard let group = groups.removeValue(forKey: id) else { return }
        order[group.phoneNumberID]?.removeAll { $0 == id }
    }
}

/// One group a business number created.
struct SimulatedGroup: Sendable {
    var id: String
    var phoneNumberID: String
    var subject: String
    var description: String?
    var joinApprovalMode: String
    var creationTimestamp: Int
    /// The participants' wa_ids (the business itself not counted); a new group has none.
    var participants: [String] = []
    var inviteLink: String
    var suspended = false
    /// The SHA-256 of the group's picture, once one was set.
    var pictureSHA256: String?

    /// A new group of `number`, with an id in Meta's form: base64url of `capi_group:<business number>:<group jid>`.
    init(number: SimulatedNumber, subject: String, description: String?, joinApprovalMode: String) {
        let jid = "120363" + String(UInt64.random(in: 100_000_000_000...999_999_999_999))
        self.id = Data("capi_group:\(number.displayPhoneNumber.filter(\.isNumber)):\(jid)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        self.phoneNumberID = number.phoneNumberID
        self.subject = subject
        self.description = description
        self.joinApprovalMode = joinApprovalMode
        self.creationTimestamp = Int(Date().timeIntervalSince1970)
        self.inviteLink = Self.newInviteLink()
    }

    static func newInviteLink() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return "https://chat.whatsapp.com/" + String((0..<22).map { _ in alphabet.randomElement()! })
    }
}

extension SimulatorState {
    /// Gives a number a group under a known id (tests name it without creating it first); `false` for an unknown number.
    @discardableResult
    public func addGroup(id: String, phoneNumberID: String, subject: String = "Sandbox group") -> Bool {
        guard let number = number(phoneNumberID) else { return false }
        var group = SimulatedGroup(number: number, subject: subject, description: nil, joinApprovalMode: "auto_approve")
        group.id = id
        withAccounts { $0.groups.add(group) }
        return true
    }

    /// The ids of a number's groups, oldest first.
    public func groupIDs(of phoneNumberID: String) -> [String] {
        withAccounts { $0.groups.groups(of: phoneNumberID).map(\.id) }
    }
}
