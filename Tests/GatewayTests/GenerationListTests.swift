import Foundation
import Hummingbird
import HummingbirdTesting
import Providers
import Testing

@testable import Gateway

/// `GET /v1/generations` (a user's own history) and the job events a front shows while it waits: the provider
/// tried, a failed attempt before the next provider, the steps.
@Suite struct GenerationListTests {
    @Test func listShowsOnlyTheCallersOwnJobsNewestFirst() async throws {
        let gateway = try TestGateway(policy: TestGateway.policy(limits: "images_per_day: 10"))
        try await gateway.live { client in
            let alice = try gateway.token("alice@example.com")
            let bob = try gateway.token("bob@example.com")
            let first = try await client.submit(token: alice)
            _ = try await client.waitFinished(first, token: alice)
            let second = try await client.submit(
                token: alice, body: #"{"prompt": "a blue heron", "steps": 2, "width": 128, "height": 128}"#)
            _ = try await client.waitFinished(second, token: alice)
            let other = try await client.submit(token: bob)
            _ = try await client.waitFinished(other, token: bob)

            let list = try await client.call(.get, "/v1/generations", token: alice)
            #expect(list.status == .ok)
            let object = try list.jsonObject()
            #expect(object["object"] as? String == "list")
            let jobs = try #require(object["data"] as? [[String: Any]])
            #expect(jobs.compactMap { $0["id"] as? String } == [second, first])
            #expect((jobs.first?["parameters"] as? [String: Any])?["prompt"] as? String == "a blue heron")
            #expect((jobs.first?["links"] as? [String: Any])?["image"] as? String == "/v1/generations/\(second)/image")

            let one = try await client.call(.get, "/v1/generations?limit=1", token: alice).jsonObject()
            #expect((one["data"] as? [[String: Any]])?.count == 1)
            let bobs = try await client.call(.get, "/v1/generations", token: bob).jsonObject()
            #expect((bobs["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [other])

            for bad in ["0", "101", "ten"] {
                let refused = try await client.call(.get, "/v1/generations?limit=\(bad)", token: alice)
                #expect(refused.status == .unprocessableContent)
                #expect(try refused.errorObject()["param"] == "limit")
            }
            let anonymous = try await client.call(.get, "/v1/generations")
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func meShowsTheTiersLimitsForTheForm() async throws {
        let gateway = try TestGateway()
        try await gateway.live { client in
            let me = try await client.call(.get, "/v1/me", token: try gateway.token()).jsonObject()
            let limits = try #require((me["tier"] as? [String: Any])?["limits"] as? [String: Any])
            #expect(limits["max_steps"] as? Int == 20)
            #expect(limits["max_width"] as? Int == 512)
            #expect(limits["images_per_day"] as? Int == 3)
        }
    }

    /// A second job waits behind a slow first one (one job at a time), so its stream is followed live from the
    /// start: the provider that fails, the reason, the provider that takes over, the steps, done.
    @Test func eventsNameTheProvidersTriedAndTheFailover() async throws {
        let providers = """
            {name: down, kind: local, price_per_second_usd: 0, total_deadline_seconds: 30}
              - {name: fast, kind: local, price_per_second_usd: 0, total_deadline_seconds: 30}
            """
        let gateway = try TestGateway(
            policy: TestGateway.policy(limits: "images_per_day: 10", provider: providers, chain: "[down, fast]"),
            behaviour: .succeed(stepDelay: .milliseconds(400), paidSeconds: nil), behaviours: ["down": .fail]
        ) { $0.jobConcurrency = 1 }
        try await gateway.live { client in
            let alice = try gateway.token("alice@example.com")
            let bob = try gateway.token("bob@example.com")
            let slow = try await client.submit(token: alice)
            let waiting = try await client.submit(
                token: bob, body: #"{"prompt": "a lighthouse", "steps": 2, "width": 128, "height": 128}"#)
            let events = try await client.call(.get, "/v1/generations/\(waiting)/events", token: bob)
            let stream = String(buffer: events.body)
            let names = stream.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst(7) }
            #expect(
                names == [
                    "queued", "started", "provider", "attempt_failed", "provider", "progress", "progress", "done",
                ],
                "\(stream)")
            #expect(stream.contains("event: provider\ndata: {\"provider\":\"down\"}\n\n"))
            #expect(
                stream.contains("event: attempt_failed\ndata: {\"provider\":\"down\",\"reason\":\"unavailable\"}\n\n"))
            #expect(stream.contains("event: provider\ndata: {\"provider\":\"fast\"}\n\n"))
            _ = try await client.waitFinished(slow, token: alice)
        }
    }

    /// A listener that joins a running job hears its way through the providers so far: the one that failed and
    /// the one it is on, before the steps.
    @Test func lateListenerLearnsTheProvidersTriedSoFar() async throws {
        let providers = """
            {name: down, kind: local, price_per_second_usd: 0, total_deadline_seconds: 30}
              - {name: fast, kind: local, price_per_second_usd: 0, total_deadline_seconds: 30}
            """
        let gateway = try TestGateway(
            policy: TestGateway.policy(provider: providers, chain: "[down, fast]"),
            behaviour: .succeed(stepDelay: .milliseconds(300), paidSeconds: nil), behaviours: ["down": .fail])
        try await gateway.live { client in
            let token = try gateway.token()
            let id = try await client.submit(
                token: token, body: #"{"prompt": "a slow fox", "steps": 8, "width": 64, "height": 64}"#)
            var step = 0
            for _ in 0..<200 where step == 0 {
                let job = try await client.call(.get, "/v1/generations/\(id)", token: token).jsonObject()
                step = (job["progress"] as? [String: Any])?["step"] as? Int ?? 0
                if step == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(step > 0, "the job never made progress")
            let stream = String(buffer: try await client.call(.get, "/v1/generations/\(id)/events", token: token).body)
            let expected = [
                "event: queued\ndata: {}\n\n", "event: started\ndata: {}\n\n",
                "event: provider\ndata: {\"provider\":\"down\"}\n\n",
                "event: attempt_failed\ndata: {\"provider\":\"down\",\"reason\":\"unavailable\"}\n\n",
                "event: provider\ndata: {\"provider\":\"fast\"}\n\nevent: progress\n",
            ]
            #expect(stream.hasPrefix(expected.joined()), "\(stream)")
            #expect(stream.contains("event: done\n"))
        }
    }

    /// A quota refusal names its window and limit, which the page turns into a sentence.
    @Test func quotaRefusalNamesItsLimit() async throws {
        let gateway = try TestGateway(policy: TestGateway.policy(limits: "images_per_day: 1"))
        try await gateway.live { client in
            let token = try gateway.token()
            _ = try await client.waitFinished(try await client.submit(token: token), token: token)
            let refused = try await client.call(.post, "/v1/generations", token: token, json: #"{"prompt": "more"}"#)
            #expect(refused.status == .tooManyRequests)
            let error = try refused.errorObject()
            #expect(error["window"] == "images_per_day")
            #expect(error["limit"] == "1")
        }
    }

    /// How the provider events read on the wire (`waiting` comes from a provider's own queue or cold start).
    @Test func providerEventsAsServerSentEvents() {
        let events: [JobEvent] = [
            .attempting(provider: "banana"), .waiting, .attemptFailed(provider: "banana", reason: "timed_out"),
        ]
        let wire = events.map { String(buffer: ServerSentEvent($0).buffer) }
        #expect(
            wire == [
                "event: provider\ndata: {\"provider\":\"banana\"}\n\n", "event: waiting\ndata: {}\n\n",
                "event: attempt_failed\ndata: {\"provider\":\"banana\",\"reason\":\"timed_out\"}\n\n",
            ])
    }

    /// A listener that arrives after the last progress event was published, but before the stored job shows it,
    /// still hears it: the catch-up takes the hub's latest progress (a flake of the generation flow test showed the
    /// stream ending 3/4 -> done). A finished job's trail is dropped.
    @Test func lateListenersCatchUpWithTheHubsLatestProgress() {
        let hub = JobEventHub()
        let id = JobID("gen_late")
        hub.publish(.attempting(provider: "fast"), for: id)
        hub.publish(.progress(step: 3, total: 4), for: id)
        hub.publish(.progress(step: 4, total: 4), for: id)
        let stored = Job(
            id: id, user: UserKey(issuer: "https://issuer.example", subject: "1"),
            request: GenerationRequest(prompt: "p", seed: 1), status: .running, progressStep: 3, progressTotal: 4,
            createdAt: Date(), startedAt: Date(), costMicros: 0)
        let wire = ServerSentEvent.catchUp(stored, trail: hub.trail(of: id)).map { String(buffer: $0.buffer) }
        #expect(
            wire == [
                "event: queued\ndata: {}\n\n", "event: started\ndata: {}\n\n",
                "event: provider\ndata: {\"provider\":\"fast\"}\n\n",
                "event: progress\ndata: {\"step\":4,\"total\":4}\n\n",
            ])
        var finished = stored
        finished.status = .succeeded
        hub.publish(.finished(finished), for: id)
        #expect(hub.trail(of: id).route.isEmpty)
        #expect(hub.trail(of: id).progress == nil)
    }
}
