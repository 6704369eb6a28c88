import Cloud
import Foundation
import HTTPTypes
import Hummingbird
import Store

/// `GET /{channelId}/media/{mediaId}?expires=…&signature=…`: streams a media file from Meta to a client
/// holding a signed bridge link (from a webhook's `body`); no token needed, nothing kept on disk.
struct MediaController: Sendable {
    let channels: ChannelDirectory
    let graph: any GraphAPI
    let links: MediaLinks

    func register(on router: Router<BridgeRequestContext>) {
        router.get(":channelId/media/:mediaId") { request, context in try await media(request: request, context: context) }
    }

    func media(request: Request, context: BridgeRequestContext) async throws -> Response {
        let channelID = context.parameters.get("channelId") ?? ""
        let mediaID = context.parameters.get("mediaId") ?? ""
        let query = request.uri.queryParameters
        switch links.verify(
            channelID: channelID, mediaID: mediaID, expires: query["expires"].map(String.init),
            signature: query["signature"].map(String.init))
        {
        case .malformed?:
            return ErrorRendering.response(status: .badRequest, message: "Media link needs expires and signature parameters")
        case .tampered?:
            return ErrorRendering.response(status: .forbidden, message: "Media link signature is not valid")
        case .expired?:
            return ErrorRendering.response(status: .gone, message: "Media link has expired; Meta keeps media for 7 days")
        case nil:
            break
        }
        guard let channel = try await channels.channel(id: channelID) else {
            return ErrorRendering.response(status: .notFound, message: "No such channel")
        }
        let info = await graph.mediaInfo(id: mediaID, channel: channel)
        switch info {
        case .failure(.refused(_, let error)):
            return ErrorRendering.response(
                status: .badGateway, message: "Meta refused the media lookup (\(error.code)); the file may be older than 7 days")
        case .failure:
            return ErrorRendering.response(status: .badGateway, message: "The WhatsApp Cloud API did not answer the media lookup; retry later")
        case .success(let info):
            let upstream: MediaDownload
            do {
                upstream = try await graph.downloadMedia(url: info.url, channel: channel)
            } catch {
                return ErrorRendering.response(status: .badGateway, message: "The media download from Meta failed; retry later")
            }
            guard upstream.status == 200 else {
                return ErrorRendering.response(status: .badGateway, message: "Meta answered HTTP \(upstream.status) to the media download")
            }
            var headers: HTTPFields = [.contentType: upstream.contentType ?? info.mimeType ?? "application/octet-stream"]
            if let length = upstream.contentLength { headers[.contentLength] = length }
            headers[.cacheControl] = "private, max-age=300"
            return Response(status: .ok, headers: headers, body: upstream.body)
        }
    }
}
