import Foundation

/// The command line: repeats per case, a name filter, convolution algorithm variants, a checkpoint folder.
struct BenchmarkOptions {
    var repeats = 3
    /// A case runs when its name contains one of these (all run when empty).
    var filters: [String] = []
    var algorithms = false
    var checkpoint: String?

    init(arguments: [String]) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--repeat": repeats = max(1, Int(remaining.popFirst() ?? "") ?? repeats)
            case "--filter": filters = (remaining.popFirst() ?? "").split(separator: ",").map(String.init)
            case "--algorithms": algorithms = true
            case "--checkpoint": checkpoint = remaining.popFirst()
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}
