import AsyncHTTPClient
import Cloud
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A WhatsApp Cloud API simulator served over real HTTP.
///
/// It answers `POST /{version}/{phone-number-id}/messages` like Meta: it checks the Bearer token and
/// the required fields (answering Meta's error envelope when they are wrong) and returns wamids. When
/// ``SimulatorState/webhookURL`` is set, it then posts signed `sent`, `delivered` and `read` status
/// webhooks for each accepted message, as Meta does.
public enum CloudSimulator {
    /// The simulator as a Hummingbird application; run it alone or add it to another ServiceGroup.
    public static func buildApplication(
        state: SimulatorState,
        host: String = "127.0.0.1",
        port: Int = 0,
        httpClient: HTTPClient,
        statusDelay: Duration = .milliseconds(200),
        logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let poster = StatusWebhookPoster(state: state, httpClient: httpClient, delay: statusDelay, logger: logger)
        let router = Router()
        router.post(":version/:objectID/messages") { request, context in
            try await handleMessage(request: request, context: context, state: state, poster: poster)
        }
        router.post(":version/:objectID/marketing_messages") { request, context in
            try await handleMessage(request: request, context: context, state: state, poster: poster, marketing: true)
        }
        router.post(":version/:objectID/media") { request, context in
            try await MediaUploads.upload(request: request, context: context, state: state)
        }
        router.get(":version/:objectID") { request, context in
            // Graph names every object by id alone: media ids keep the media lookup (and unknown ids its 404).
            let id = context.parameters.get("objectID") ?? ""
            if GroupEndpoints.isGroupID(id) {
                return try await GraphCall.handle(request, context: context, state: state) { try GroupEndpoints.info($0, state: state) }
            }
            if state.isFlow(id) {
                return try await GraphCall.handle(request, context: context, state: state) { try FlowEndpoints.node($0, state: state) }
            }
            let isAccountNode =
                state.number(id) != nil || !state.numbers(inWABA: id).isEmpty
                || id.hasPrefix("upload:") || id.hasPrefix("upload%3A")
            guard state.media(id) == nil, isAccountNode else {
                return mediaInfo(request: request, context: context, state: state)
            }
            return try await GraphCall.handle(request, context: context, state: state) { call in
                try AccountEndpoints.node(call, state: state)
            }
        }
        router.post(":version/:objectID") { request, context in
            try await GraphCall.handle(request, context: context, state: state, bodyLimit: ResumableUploads.maxLength + 1) { call in
                if GroupEndpoints.isGroupID(call.objectID) { return try GroupEndpoints.update(call, state: state) }
                if state.isFlow(call.objectID) { return try FlowEndpoints.updateMetadata(call, state: state) }
                guard call.objectID.hasPrefix("upload:") || call.objectID.hasPrefix("upload%3A") else { throw call.unknownObject }
                return try ResumableUploads.upload(call, state: state)
            }
        }
        router.delete(":version/:objectID") { request, context in
            if GroupEndpoints.isGroupID(context.parameters.get("objectID") ?? "") {
                return try await GraphCall.handle(request, context: context, state: state) { try GroupEndpoints.delete($0, state: state) }
            }
            if state.isFlow(context.parameters.get("objectID") ?? "") {
                return try await GraphCall.handle(request, context: context, state: state) { try FlowEndpoints.delete($0, state: state) }
            }
            return MediaUploads.delete(request: request, context: context, state: state)
        }
        router.get("media-files/:mediaID") { request, context in
            mediaFile(request: request, context: context, state: state)
        }
        router.get("profile-pictures/:pictureFile") { request, context in
            AccountEndpoints.profilePicture(request: request, context: context, state: state)
        }
        router.post(":version/:objectID/groups") { request, context in
            // Meta announces the new group's id by webhook, after the reply.
            try await GraphCall.handle(request, context: context, state: state) { call in
                try GroupEndpoints.create(call, state: state) { poster.announce($0, field: "group_lifecycle_update", for: $1) }
            }
        }
        router.post(":version/:objectID/message_templates") { request, context in
            // Meta reviews a new template and announces its status by webhook, after the reply.
            try await GraphCall.handle(request, context: context, state: state) { call in
                try TemplateEndpoints.create(call, state: state) { poster.announceStatus(of: $0, wabaID: $1) }
            }
        }
        addGraphRoutes(to: router, state: state)
        router.post("sandbox/inbound") { request, _ in
            try await injectInbound(request: request, state: state, poster: poster)
        }
        router.post("sandbox/change") { request, _ in
            try await injectChange(request: request, state: state, poster: poster)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "cloud-api-simulator"),
            services: [poster],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// The management endpoints: templates, business profile, commerce, automation, blocking, uploads, groups.
    static func addGraphRoutes(to router: Router<BasicRequestContext>, state: SimulatorState) {
        typealias Handler = @Sendable (GraphCall, SimulatorState) throws(GraphFailure) -> Response
        func route(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
            router.on(RouterPath(path), method: method) { request, context in
                try await GraphCall.handle(request, context: context, state: state) { call in try handler(call, state) }
            }
        }
        route(.get, ":version/:objectID/whatsapp_business_profile", AccountEndpoints.profile)
        route(.post, ":version/:objectID/whatsapp_business_profile", AccountEndpoints.updateProfile)
        route(.get, ":version/:objectID/whatsapp_commerce_settings", AccountEndpoints.commerce)
        route(.post, ":version/:objectID/whatsapp_commerce_settings", AccountEndpoints.updateCommerce)
        route(.post, ":version/:objectID/conversational_automation", AccountEndpoints.updateAutomation)
        route(.get, ":version/:objectID/block_users", AccountEndpoints.blockedUsers)
        route(.post, ":version/:objectID/block_users") { call, state throws(GraphFailure) in
            try AccountEndpoints.changeBlocks(call, state: state, block: true)
        }
        route(.delete, ":version/:objectID/block_users") { call, state throws(GraphFailure) in
            try AccountEndpoints.changeBlocks(call, state: state, block: false)
        }
        route(.get, ":version/:objectID/message_templates", TemplateEndpoints.list)
        route(.delete, ":version/:objectID/message_templates", TemplateEndpoints.delete)
        route(.post, ":version/:objectID/uploads", ResumableUploads.start)
        route(.get, ":version/:objectID/settings", CallingEndpoints.settings)
        route(.post, ":version/:objectID/settings", CallingEndpoints.updateSettings)
        route(.post, ":version/:objectID/calls", CallingEndpoints.callAction)
        route(.get, ":version/:objectID/whatsapp_business_encryption", CallingEndpoints.encryption)
        route(.post, ":version/:objectID/whatsapp_business_encryption", CallingEndpoints.setEncryption)
        route(.get, ":version/:objectID/flows", FlowEndpoints.list)
        route(.post, ":version/:objectID/flows", FlowEndpoints.create)
        route(.post, ":version/:objectID/assets", FlowEndpoints.assets)
        route(.post, ":version/:objectID/publish", FlowEndpoints.publish)
        route(.post, ":version/:objectID/deprecate", FlowEndpoints.deprecate)
        route(.get, ":version/:objectID/groups", GroupEndpoints.list)
        route(.get, ":version/:objectID/invite_link") { call, state throws(GraphFailure) in
            try GroupEndpoints.inviteLink(call, state: state, reset: false)
        }
        route(.post, ":version/:objectID/invite_link") { call, state throws(GraphFailure) in
            try GroupEndpoints.inviteLink(call, state: state, reset: true)
        }
    }

    /// A send to `/messages`, or with `marketing` to `/marketing_messages` (Marketing Messages): that edge takes
    /// only templates, and Meta prices what it delivers as `marketing_lite`.
    static func handleMessage(
        request: Request, context: BasicRequestContext, state: SimulatorState, poster: StatusWebhookPoster,
        marketing: Bool = false
    ) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024 * 1024)
        let phoneNumberID = context.parameters.get("objectID") ?? ""
        let recorded = RecordedRequest(request, body: Array(buffer: body))
        if let scripted = state.record(recorded) {
            return respond(scripted)
        }
        guard let number = state.number(phoneNumberID) else {
            return error(
                400, code: 100,
                "Unsupported post request. Object with ID '\(phoneNumberID)' does not exist, cannot be loaded due to missing permissions, or does not support this operation"
            )
        }
        guard request.headers[.authorization] == "Bearer \(number.accessToken)" else {
            return error(401, code: 190, "Invalid OAuth access token - Cannot parse access token")
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            return error(400, code: 100, "The request body is not a JSON object")
        }
        if let problem = MessageRules.problem(in: json, state: state) {
            return error(400, code: problem.code, problem.message, details: problem.details)
        }
        if marketing, json["type"] as? String != "template" {
            return error(400, code: 100, "Param type must be template for marketing messages")
        }
        if !marketing, json["status"] as? String == "read" {
            return json200(CloudSuccess(success: true))
        }
        // Meta prices a template by its category and anything else as a service message.
        var category = "service"
        if json["type"] as? String == "template", let template = json["template"] as? [String: Any] {
            let name = template["name"] as? String ?? ""
            let language = (template["language"] as? [String: Any])?["code"] as? String ?? ""
            guard let approved = state.approvedTemplateCategory(wabaID: number.wabaID, name: name, language: language) else {
                return error(
                    404, code: 132001, "Template name does not exist in the translation",
                    details: "template name (\(name)) does not exist in \(language)")
            }
            category = marketing ? "marketing_lite" : approved
        }
        // A message to a business-scoped id names it in `recipient`; Meta's statuses then carry `recipient_user_id`.
        let to = json["to"] as? String
        let userID = to == nil ? json["recipient"] as? String : nil
        let wamid = state.nextWamid()
        poster.enqueue(.init(number: number, wamid: wamid, recipient: to, recipientUserID: userID, category: category))
        let reply = CloudSendResponse(
            contacts: [.init(input: to ?? userID ?? "", waID: to?.filter(\.isNumber))],
            messages: [.init(id: wamid, messageStatus: "accepted")])
        return json200(reply)
    }

    /// `POST /sandbox/inbound` (form or query: `from` and/or `user_id`, `text`, `name`, optional `username` and
    /// `phone_number_id`): a customer writes to the business; the simulator posts the signed `messages` webhook
    /// Meta would send. Without `from` the customer is one who hides their number.
    static func injectInbound(request: Request, state: SimulatorState, poster: StatusWebhookPoster) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for text in [request.uri.query ?? "", String(buffer: body)] {
            for pair in text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
                }
                if parts.count == 2 { fields[parts[0]] = parts[1] }
            }
        }
        // A customer who hides their number has only a business-scoped id (`user_id`), as Meta's webhooks show them.
        let from = fields["from"]?.filter(\.isNumber).nilIfEmpty
        let userID = fields["user_id"]?.nilIfEmpty
        guard from != nil || userID != nil else {
            return error(400, code: 100, "from (the customer's number) or user_id (their business-scoped id) is required")
        }
        guard let number = state.number(fields["phone_number_id"] ?? "") ?? state.firstNumber else {
            return error(400, code: 100, "no such phone_number_id in the simulator")
        }
        guard state.webhookURL != nil else {
            return error(409, code: 100, "the simulator has no webhook URL to post to")
        }
        let wamid = state.nextWamid()
        let message = CloudWebhookPayload.InboundMessage(
            id: wamid, from: from, timestamp: String(Int(Date().timeIntervalSince1970)), type: "text", fromUserID: userID,
            text: .init(body: fields["text"] ?? "Hello from the sandbox"))
        let profile = CloudWebhookPayload.Contact.Profile(name: fields["name"] ?? "Sandbox Customer", username: fields["username"]?.nilIfEmpty)
        let payload = CloudWebhookPayload(entry: [
            .init(
                id: number.wabaID,
                changes: [
                    .init(
                        field: "messages",
                        value: .init(
                            metadata: .init(displayPhoneNumber: number.displayPhoneNumber, phoneNumberID: number.phoneNumberID),
                            contacts: [.init(profile: profile, waID: from, userID: userID)],
                            messages: [message]))
                ])
        ])
        let status = await poster.post(payload, signedFor: number)
        return json200(["id": wamid, "webhookStatus": String(status)])
    }

    /// `GET /{version}/{media-id}`: Meta's media lookup, answering a download URL on this simulator.
    static func mediaInfo(request: Request, context: BasicRequestContext, state: SimulatorState) -> Response {
        // Graph paths name any object by id; here the object is a media file.
        let id = context.parameters.get("objectID") ?? ""
        _ = state.record(RecordedRequest(request))
        guard let media = state.media(id) else {
            return error(404, code: 100, "Unsupported get request. Object with ID '\(id)' does not exist")
        }
        guard authorized(request, state: state) else {
            return error(401, code: 190, "Invalid OAuth access token - Cannot parse access token")
        }
        let host = request.head.authority ?? "127.0.0.1"
        return json200(
            CloudMediaInfo(
                url: "http://\(host)/media-files/\(id)", mimeType: media.mimeType,
                sha256: SHA256.hash(data: media.bytes).map { String(format: "%02x", $0) }.joined(), fileSize: media.bytes.count, id: id))
    }

    /// Graph calls on media carry the token of the number named in `phone_number_id`; Meta makes that parameter
    /// optional, and without it any number's token will do (an id that names nothing is then the 404).
    static func authorized(_ request: Request, state: SimulatorState) -> Bool {
        guard let named = request.uri.queryParameters["phone_number_id"].map(String.init) else {
            return state.knowsAccessToken(request.headers[.authorization] ?? "")
        }
        guard let number = state.number(named) else { return false }
        return request.headers[.authorization] == "Bearer \(number.accessToken)"
    }

    /// The download itself: needs the Bearer token of a known number, like Meta's lookaside URLs.
    static func mediaFile(request: Request, context: BasicRequestContext, state: SimulatorState) -> Response {
        guard let media = state.media(context.parameters.get("mediaID") ?? "") else { return Response(status: .notFound) }
        guard let token = request.headers[.authorization], state.knowsAccessToken(token) else {
            return Response(status: .unauthorized)
        }
        return Response(
            status: .ok, headers: [.contentType: media.mimeType], body: .init(byteBuffer: ByteBuffer(bytes: media.bytes)))
    }

    static func respond(_ scripted: ScriptedResponse) -> Response {
        switch scripted {
        case .error(let status, let cloudError):
            return jsonResponse(CloudErrorEnvelope(error: cloudError), status: .init(code: status))
        case .garbage(let status):
            return Response(
                status: .init(code: status), headers: [.contentType: "text/html"],
                body: .init(byteBuffer: ByteBuffer(string: "<html>Bad Gateway</html>")))
        }
    }

    static func error(
        _ status: Int, code: Int, _ message: String, details: String? = nil, subcode: Int? = nil,
        userTitle: String? = nil, userMessage: String? = nil
    ) -> Response {
        var cloudError = CloudError(
            code: code, message: "(#\(code)) \(message)", details: details ?? userMessage ?? message,
            fbtraceID: "SANDBOX\(Int.random(in: 100_000...999_999))")
        cloudError.errorSubcode = subcode
        cloudError.errorUserTitle = userTitle
        cloudError.errorUserMessage = userMessage
        return jsonResponse(CloudErrorEnvelope(error: cloudError), status: .init(code: status))
    }

    static func json200(_ value: some Encodable) -> Response {
        jsonResponse(value, status: .ok)
    }

    static func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Posts signed status webhooks for accepted messages, like Meta, one message after another.
final class StatusWebhookPoster: Service {
    struct Pending: Sendable {
        var number: SimulatedNumber
        var wamid: String
        /// The number the message went to; `nil` for a message to a business-scoped id.
        var recipient: String?
        var recipientUserID: String?
        /// Meta's pricing category of the message (`service`, or the template's category).
        var category = "service"
    }

    /// What the poster sends: the sent/delivered/read statuses of a message, or one change body posted as it is.
    enum Work: Sendable {
        case statuses(Pending)
        case change(body: [UInt8], number: SimulatedNumber)
    }

    let state: SimulatorState
    private let httpClient: HTTPClient
    let delay: Duration
    private let logger: Logger
    private let stream: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation

    init(state: SimulatorState, httpClient: HTTPClient, delay: Duration, logger: Logger) {
        self.state = state
        self.httpClient = httpClient
        self.delay = delay
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: Work.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    func enqueue(_ pending: Pending) {
        enqueue(.statuses(pending))
    }

    /// Queues work for the poster's run loop; nothing is queued while no webhook URL is set.
    func enqueue(_ work: Work) {
        guard state.webhookURL != nil else { return }
        continuation.yield(work)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await work in self.stream {
                switch work {
                case .statuses(let pending):
                    for status in ["sent", "delivered", "read"] {
                        try? await Task.sleep(for: self.delay)
                        if Task.isCancelled { return }
                        await self.post(status: status, for: pending)
                    }
                case .change(let body, let number):
                    try? await Task.sleep(for: self.delay)
                    if Task.isCancelled { return }
                    await self.post(body: body, signedFor: number)
                }
            }
        }
    }

    private func post(status: String, for pending: Pending) async {
        let payload = CloudWebhookPayload(entry: [
            .init(
                id: pending.number.wabaID,
                changes: [
                    .init(
                        field: "messages",
                        value: .init(
                            metadata: .init(displayPhoneNumber: pending.number.displayPhoneNumber, phoneNumberID: pending.number.phoneNumberID),
                            statuses: [
                                .init(
                                    id: pending.wamid, status: status, timestamp: String(Int(Date().timeIntervalSince1970)),
                                    recipientID: pending.recipient,
                                    pricing: .init(billable: true, pricingModel: "PMP", category: pending.category),
                                    recipientUserID: pending.recipientUserID)
                            ]))
                ])
        ])
        await post(payload, signedFor: pending.number)
    }

    /// Posts a webhook payload signed with the number's app secret; returns the HTTP status (0 on failure).
    @discardableResult
    func post(_ payload: CloudWebhookPayload, signedFor number: SimulatedNumber) async -> Int {
        guard let body = try? JSONEncoder().encode(payload) else { return 0 }
        return await post(body: Array(body), signedFor: number)
    }

    /// Posts a webhook body, byte for byte, signed with the number's app secret; returns the HTTP status (0 on failure).
    @discardableResult
    func post(body: [UInt8], signedFor number: SimulatedNumber) async -> Int {
        guard let url = state.webhookURL else { return 0 }
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "X-Hub-Signature-256", value: WebhookSignature.header(for: body, appSecret: number.appSecret))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await httpClient.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1024 * 1024)
            if response.status.code != 200 {
                logger.warning("sandbox webhook refused", metadata: ["http.status": "\(response.status.code)"])
            }
            return Int(response.status.code)
        } catch {
            logger.warning("sandbox webhook failed", metadata: ["error.type": "\(type(of: error))"])
            return 0
        }
    }
}

extension String {
    /// `nil` for an empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
