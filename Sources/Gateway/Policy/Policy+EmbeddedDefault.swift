extension Policy {
    /// The policy files the gateway ships with, as one in-memory file: the same settings as the repository's
    /// `policies/` folder (a `local` provider, a `free` default tier, the loopback dev issuer), without the comments.
    public static let embeddedDefaultSources = [
        PolicySource(
            name: "embedded-default.yaml",
            text: """
                tiers:
                  - name: free
                    description: Everyone who signs in and matches no other rule.
                    providers: [local]
                    limits:
                      requests_per_minute: 10
                      images_per_day: 20
                      images_per_month: 200
                      spend_per_day_usd: 0.50
                      spend_per_month_usd: 5
                      concurrent_jobs: 1
                      max_steps: 30
                      max_width: 512
                      max_height: 512
                      max_prompt_length: 500
                      allowed_schedulers: [pndm, ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras]
                users:
                  - default: true
                    tier: free
                    note: Anyone who signs in gets the free tier.
                admins: {emails: [], subjects: []}
                blocks: {emails: [], subjects: []}
                network:
                  allow: []
                  deny: []
                  trusted_proxies: [127.0.0.1, "::1"]
                  embed_origins: []
                  rate_limits:
                    unauthenticated_requests_per_minute: 60
                    failed_auth_per_minute: 10
                providers:
                  - name: local
                    kind: local
                    price_per_second_usd: 0
                    start_deadline_seconds: 30
                    total_deadline_seconds: 900
                    options: {}
                auth:
                  issuers:
                    - name: dev
                      issuers: ["http://127.0.0.1:8080/dev"]
                      jwks_url: "http://127.0.0.1:8080/dev/jwks.json"
                      client_ids: [diffusion-gateway-dev]
                """)
    ]

    /// The policy a gateway runs with when it is given no folder of its own (see `embeddedDefaultSources`).
    public static let embeddedDefault: Policy = {
        do {
            return try PolicyLoader.load(embeddedDefaultSources)
        } catch {
            preconditionFailure("the embedded default policy does not validate: \(error)")
        }
    }()
}
