import Hummingbird

/// A page of the caller's jobs, newest first, as `GET /v1/generations` answers it.
struct JobList: ResponseEncodable {
    var object = "list"
    var data: [JobResource]
}
