namespace AdmmNn.Benchmarks.LeNet5;

/// <summary>
/// One engine's LeNet-5 speed figures: wall-clock median of rounds and best round, plus images per process CPU-second
/// (and CPU ms per batch-1 call), which stay meaningful when other processes share the cores.
/// </summary>
public sealed record LeNet5Figures(
    string Label,
    double TrainBatch64,
    double TrainBatch64Best,
    double TrainBatch256,
    double TrainBatch256Best,
    double InferBatch256,
    double InferBatch256Best,
    double LatencyBatch1Ms,
    double LatencyBatch1BestMs,
    double TrainBatch64PerCpuSecond,
    double TrainBatch256PerCpuSecond,
    double InferBatch256PerCpuSecond,
    double LatencyBatch1CpuMs);
