import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Testing

/// End-to-end over real sockets: sign in with the dev issuer, generate, poll, stream events, fetch the PNG.
@Suite struct GenerationFlowTests {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    @Test func signedInUserGeneratesPollsStreamsAndDownloads() async throws {
        let gateway = try TestGateway(behaviour: .succeed(stepDelay: .milliseconds(30), paidSeconds: 2))
        try await gateway.live { client in
            let login = try await client.call(
                .get, "/dev/login?email=alice@example.com", headers: [.accept: "application/json"])
            #expect(login.status == .ok)
            let token = try #require(try login.jsonObject()["id_token"] as? String)

            let created = try await client.call(
                .post, "/v1/generations", token: token,
                json:
                    #"{"prompt": "a red fox", "negative_prompt": "blur", "steps": 4, "width": 256, "height": 256, "seed": 7}"#
            )
            #expect(created.status == .accepted)
            let job = try created.jsonObject()
            let id = try #require(job["id"] as? String)
            #expect(created.headers[.location] == "/v1/generations/\(id)")
            #expect(["queued", "running"].contains(job["status"] as? String))
            let links = try #require(job["links"] as? [String: Any])
            #expect(links["events"] as? String == "/v1/generations/\(id)/events")

            let events = try await client.call(.get, "/v1/generations/\(id)/events", token: token)
            #expect(events.status == .ok)
            #expect(events.headers[.contentType] == "text/event-stream")
            let stream = String(buffer: events.body)
            #expect(stream.hasPrefix("event: queued\n"))
            #expect(stream.contains("event: started\n"))
            #expect(stream.contains("event: progress\ndata: {\"step\":4,\"total\":4}\n\n"))
            #expect(stream.contains("event: done\n"))

            let finished = try await client.waitFinished(id, token: token)
            #expect(finished["status"] as? String == "succeeded")
            #expect(finished["provider"] as? String == "fast")
            #expect(finished["cost_usd"] as? String == "0.002")
            let progress = try #require(finished["progress"] as? [String: Int])
            #expect(progress == ["step": 4, "total": 4])
            let parameters = try #require(finished["parameters"] as? [String: Any])
            #expect(parameters["seed"] as? Int == 7)

            let image = try await client.call(.get, "/v1/generations/\(id)/image", token: token)
            #expect(image.status == .ok)
            #expect(image.headers[.contentType] == "image/png")
            #expect(Array(image.body.readableBytesView.prefix(8)) == Self.pngSignature)
        }
    }

    @Test func openAICompatibleEndpointAnswersWithBase64PNG() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let response = try await client.call(
                .post, "/v1/images/generations", token: try gateway.token(),
                json: #"{"prompt": "a lighthouse", "n": 1, "size": "256x256", "response_format": "b64_json"}"#)
            #expect(response.status == .ok)
            let data = try #require(try response.jsonObject()["data"] as? [[String: Any]])
            let encoded = try #require(data.first?["b64_json"] as? String)
            let png = try #require(Data(base64Encoded: encoded))
            #expect(Array(png.prefix(8)) == Self.pngSignature)
        }
    }

    @Test func meShowsIdentityTierRuleAndQuota() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            _ = try await client.waitFinished(try await client.submit(token: token), token: token)
            let me = try await client.call(.get, "/v1/me", token: token)
            #expect(me.status == .ok)
            let body = try me.jsonObject()
            let identity = try #require(body["identity"] as? [String: Any])
            #expect(identity["email"] as? String == "alice@example.com")
            let tier = try #require(body["tier"] as? [String: Any])
            #expect(tier["name"] as? String == "free")
            #expect((body["matched_rule"] as? String)?.contains("default: true -> free") == true)
            let quota = try #require(body["quota"] as? [[String: Any]])
            let day = try #require(quota.first { $0["window"] as? String == "images_per_day" })
            #expect(day["used"] as? Int == 1)
            #expect(day["remaining"] as? Int == 2)
        }
    }
}
