import Foundation
import LocalProvider

AllocatorTuning.keepLargeFreedBlocks()

// Times the engine's kernels at SD 1.x shapes (and, given a checkpoint folder, whole UNet / VAE / text encoder
// calls). scripts/bench-engine-kernels.sh runs it next to the same operations in PyTorch and prints the ratios.
//
// Usage: EngineKernelBenchmarks [--repeat N] [--filter TEXT[,TEXT...]] [--algorithms] [--checkpoint FOLDER]
// Prints one line per case: name, best milliseconds, median milliseconds (tab-separated).

let options = BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
var cases = KernelCases.all(withAlgorithms: options.algorithms)
if let folder = options.checkpoint {
    do {
        cases += try ModelCases.all(checkpointFolder: folder)
    } catch {
        FileHandle.standardError.write(Data("cannot load \(folder): \(error)\n".utf8))
        exit(1)
    }
}
for benchmark in cases where options.filters.isEmpty || options.filters.contains(where: benchmark.name.contains) {
    let times = benchmark.measure(repeats: options.repeats)
    print(String(format: "%@\t%.2f\t%.2f", benchmark.name, times.best, times.median))
}
