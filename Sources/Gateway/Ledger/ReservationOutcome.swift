/// The answer to a reservation request.
public enum ReservationOutcome: Sendable, Hashable {
    /// The job may run; its quota is held.
    case admitted(Reservation)
    /// The same idempotency key and request were seen before: this is the original reservation, charged nothing new.
    case duplicate(Reservation)
    /// A limit ran out; nothing was counted.
    case denied(QuotaDenial)
}
