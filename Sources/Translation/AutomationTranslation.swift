import Cloud
import OneMsg

/// `GET/POST /conversationalAutomation` ↔ the number's `conversational_automation` (welcome message,
/// ice-breaker prompts, `/commands`).
public enum AutomationTranslation {
    /// `GET`: Meta's object (from `GET /{phone-number-id}?fields=conversational_automation`); absent parts are empty.
    public static func reply(_ automation: CloudJSON?) -> AutomationReply {
        let prompts: [String] = if case .array(let items)? = automation?["prompts"] { items.compactMap(\.text) } else { [] }
        let commands: [AutomationReply.Command] =
            if case .array(let items)? = automation?["commands"] {
                items.compactMap { item in
                    item["command_name"]?.text.map {
                        AutomationReply.Command(command_name: $0, command_description: item["command_description"]?.text ?? "")
                    }
                }
            } else { [] }
        let welcome: Bool = if case .bool(let flag)? = automation?["enable_welcome_message"] { flag } else { false }
        return AutomationReply(enable_welcome_message: welcome, prompts: prompts, commands: commands)
    }

    /// `POST`: the parts given, within the limits of Meta's published schema (≤3 prompts of ≤80 characters,
    /// where 1MSG documented 4; ≤30 commands, names of ≤30 letters, digits or underscores without the
    /// slash, descriptions ≤256). Other fields are ignored; one part is needed.
    public static func update(_ fields: RequestFields) throws(ValidationError) -> CloudJSON {
        var reader = FieldReader(fields)
        var members: [String: CloudJSON] = [:]
        if let welcome = reader.bool("enable_welcome_message") { members["enable_welcome_message"] = .bool(welcome) }
        if let prompts = reader.array(reader.structure("prompts"), at: "prompts", maxCount: 3) {
            members["prompts"] = .array(
                prompts.enumerated().compactMap { index, prompt in
                    reader.text(prompt, at: "prompts[\(index)]", required: true, maxLength: 80).map(CloudJSON.string)
                })
        } else if fields.clearedFields.contains("prompts") {
            members["prompts"] = .array([])
        }
        if let commands = reader.array(reader.structure("commands"), at: "commands", maxCount: 30) {
            members["commands"] = .array(
                commands.enumerated().compactMap { index, command -> CloudJSON? in
                    let path = "commands[\(index)]"
                    guard let object = reader.object(command, at: path, required: true) else { return nil }
                    let name = reader.text(object["command_name"], at: "\(path).command_name", required: true)
                        .map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
                    if let name, name.count > 30 || name.range(of: "^[A-Za-z0-9_]+$", options: .regularExpression) == nil {
                        reader.report("\(path).command_name", "must be 1 to 30 letters, digits or underscores (got \"\(name)\")")
                    }
                    let description = reader.text(
                        object["command_description"], at: "\(path).command_description", required: true, maxLength: 256)
                    return .members(["command_name": .text(name), "command_description": .text(description)])
                })
        } else if fields.clearedFields.contains("commands") {
            members["commands"] = .array([])
        }
        if members.isEmpty, reader.problems.isEmpty {
            reader.report("enable_welcome_message", "or prompts or commands is needed: there is nothing to change")
        }
        guard reader.problems.isEmpty else { throw ValidationError(reader.problems) }
        return .object(members)
    }
}
