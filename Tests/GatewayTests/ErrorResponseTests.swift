import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import Testing

/// Each error status the API promises, with the one JSON error shape.
@Suite struct ErrorResponseTests {
    /// Checks the shape: `{"error": {"code", "message", "request_id"}}` with the request id of the response.
    static func expectShape(_ response: TestResponse, status: HTTPResponse.Status, code: String) throws -> [String:
        String]
    {
        #expect(response.status == status)
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        let error = try response.errorObject()
        #expect(error["code"] == code)
        #expect(error["message"]?.isEmpty == false)
        #expect(error["request_id"] != nil && error["request_id"] == response.headers[.init("X-Request-Id")!])
        return error
    }

    @Test func malformedBodiesAre400NamingTheParameter() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            _ = try Self.expectShape(
                try await client.call(.post, "/v1/generations", token: token, json: "{not json"), status: .badRequest,
                code: "invalid_json")
            let wrongType = try Self.expectShape(
                try await client.call(
                    .post, "/v1/generations", token: token, json: #"{"prompt": "x", "steps": "many"}"#),
                status: .badRequest, code: "invalid_parameter")
            #expect(wrongType["param"] == "steps")
            let missing = try Self.expectShape(
                try await client.call(.post, "/v1/generations", token: token, json: #"{"steps": 4}"#),
                status: .badRequest, code: "invalid_parameter")
            #expect(missing["param"] == "prompt")
            let badKey = try Self.expectShape(
                try await client.call(
                    .post, "/v1/generations", token: token, json: #"{"prompt": "x"}"#,
                    headers: [.init("Idempotency-Key")!: String(repeating: "k", count: 300)]),
                status: .badRequest, code: "invalid_parameter")
            #expect(badKey["param"] == "Idempotency-Key")
        }
    }

    @Test func outOfRangeParametersAre422NamingTheParameter() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            for (body, parameter) in [
                (#"{"prompt": "x", "steps": 21}"#, "steps"), (#"{"prompt": "x", "width": 1024}"#, "width"),
                (#"{"prompt": "x", "height": 100}"#, "height"), (#"{"prompt": "x", "guidance": -1}"#, "guidance"),
                (#"{"prompt": "x", "provider": "elsewhere"}"#, "provider"),
            ] {
                let error = try Self.expectShape(
                    try await client.call(.post, "/v1/generations", token: token, json: body),
                    status: .unprocessableContent, code: "invalid_parameter")
                #expect(error["param"] == parameter)
            }
            let openAI = try Self.expectShape(
                try await client.call(.post, "/v1/images/generations", token: token, json: #"{"prompt": "x", "n": 2}"#),
                status: .unprocessableContent, code: "invalid_parameter")
            #expect(openAI["param"] == "n")
        }
    }

    @Test func authAndPolicyRefusalsAre401And403() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            _ = try Self.expectShape(
                try await client.call(.get, "/v1/me"), status: .unauthorized, code: "missing_token")
            _ = try Self.expectShape(
                try await client.call(.get, "/v1/me", token: "a.b.c"), status: .unauthorized, code: "invalid_token")
            _ = try Self.expectShape(
                try await client.call(.get, "/v1/me", token: try gateway.token("blocked@example.com")),
                status: .forbidden, code: "blocked")
            _ = try Self.expectShape(
                try await client.call(.get, "/admin/providers", token: try gateway.token()), status: .forbidden,
                code: "not_admin")
        }
    }

    @Test func unknownThingsAre404And405() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            _ = try Self.expectShape(
                try await client.call(.get, "/v1/generations/gen_missing", token: token), status: .notFound,
                code: "not_found")
            _ = try Self.expectShape(try await client.call(.get, "/nowhere"), status: .notFound, code: "not_found")
        }
    }

    @Test func idempotencyKeyReusedWithAnotherBodyIs409() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            let key: HTTPFields = [.init("Idempotency-Key")!: "k-1"]
            _ = try await client.call(.post, "/v1/generations", token: token, json: #"{"prompt": "a"}"#, headers: key)
            _ = try Self.expectShape(
                try await client.call(.post, "/v1/generations", token: token, json: #"{"prompt": "b"}"#, headers: key),
                status: .conflict, code: "idempotency_conflict")
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        let gateway = try TestGateway { $0.maxBodyBytes = 1024 }
        try await gateway.live { client in
            let prompt = String(repeating: "a", count: 4096)
            _ = try Self.expectShape(
                try await client.call(
                    .post, "/v1/generations", token: try gateway.token(), json: #"{"prompt": "\#(prompt)"}"#),
                status: .contentTooLarge, code: "body_too_large")
        }
    }

    @Test func quotaExceededIs429() async throws {
        let gateway = try TestGateway(
            policy: TestGateway.policy(limits: "requests_per_minute: 1"), now: TestGateway.midMinute())
        try await gateway.live { client in
            let token = try gateway.token()
            _ = try await client.submit(token: token)
            let error = try Self.expectShape(
                try await client.call(.post, "/v1/generations", token: token, json: #"{"prompt": "b"}"#),
                status: .tooManyRequests, code: "quota_exceeded")
            #expect(error["window"] == "requests_per_minute")
        }
    }

    @Test func noUsableProviderIs503() async throws {
        let gateway = try TestGateway(
            policy: TestGateway.policy(
                provider:
                    "{name: fast, kind: banana, endpoint: \"https://api.banana.dev\", price_per_second_usd: 0.00026}"))
        try await gateway.live { client in
            let response = try await client.call(
                .post, "/v1/generations", token: try gateway.token(), json: #"{"prompt": "x"}"#)
            let error = try Self.expectShape(response, status: .serviceUnavailable, code: "no_provider_available")
            #expect(error["message"]?.contains("set `api_key_env: VARIABLE`") == true)
            #expect(response.headers[.retryAfter] != nil)
        }
    }

    @Test func fullJobQueueIs503AndReservesNothing() async throws {
        let gateway = try TestGateway(policy: TestGateway.policy(limits: "images_per_day: 10"), behaviour: .hang) {
            $0.jobConcurrency = 1
            $0.jobQueueLimit = 1
        }
        try await gateway.live { client in
            let token = try gateway.token()
            _ = try await client.submit(token: token)
            _ = try await client.submit(token: token)
            let response = try await client.call(.post, "/v1/generations", token: token, json: #"{"prompt": "c"}"#)
            _ = try Self.expectShape(response, status: .serviceUnavailable, code: "queue_full")
            #expect(response.headers[.retryAfter] == "10")
            let me = try await client.call(.get, "/v1/me", token: token).jsonObject()
            let windows = try #require(me["quota"] as? [[String: Any]])
            let day = try #require(windows.first { $0["window"] as? String == "images_per_day" })
            #expect(day["used"] as? Int == 2, "the refused job was counted: \(day)")
            let mine = try await client.call(.get, "/v1/generations", token: token).jsonObject()
            #expect((mine["data"] as? [Any])?.count == 2, "the refused job was stored")
        }
    }

    @Test func failingProviderEndsTheJobFailedAndTheSyncEndpointAnswers503() async throws {
        let gateway = try TestGateway(behaviour: .fail)
        try await gateway.live { client in
            let token = try gateway.token()
            let job = try await client.waitFinished(try await client.submit(token: token), token: token)
            #expect(job["status"] as? String == "failed")
            #expect((job["error"] as? [String: String])?["code"] == "no_provider_available")
            #expect(job["cost_micros"] as? Int == 0)
            _ = try Self.expectShape(
                try await client.call(.post, "/v1/images/generations", token: token, json: #"{"prompt": "x"}"#),
                status: .serviceUnavailable, code: "no_provider_available")
        }
    }

    @Test func garbageNeverBecomesA500() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let token = try gateway.token()
            for body in [
                "", "[]", "null", "\"text\"", #"{"prompt": 5}"#, #"{"prompt": "x", "seed": -1}"#,
                #"{"prompt": "x", "seed": 1e99}"#, #"{"prompt": "x", "width": 1.5}"#,
            ] {
                let response = try await client.call(.post, "/v1/generations", token: token, json: body)
                #expect(response.status.code < 500, "body \(body) answered \(response.status)")
                #expect(try response.errorObject()["code"] != nil)
            }
            let headers: HTTPFields = [.authorization: "Basic Zm9vOmJhcg=="]
            let basic = try await client.execute(uri: "/v1/me", method: .get, headers: headers)
            #expect(basic.status == .unauthorized)
        }
    }

    @Test func corsAnswersOnlyTheConfiguredOrigins() async throws {
        let gateway = try TestGateway { $0.corsOrigins = ["https://app.example.com"] }
        try await gateway.live { client in
            let preflight = try await client.execute(
                uri: "/v1/generations", method: .options,
                headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(preflight.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            let other = try await client.execute(
                uri: "/healthz", method: .get, headers: [.origin: "https://evil.example.com"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }
}
