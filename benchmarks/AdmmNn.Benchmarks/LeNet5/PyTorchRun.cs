namespace AdmmNn.Benchmarks.LeNet5;

/// <summary>What the PyTorch side reported: its figures and the libraries and settings it actually ran with.</summary>
public sealed record PyTorchRun(LeNet5Figures Figures, string Version, int Threads, bool MklDnn, IReadOnlyList<string> Blas, string? OpenBlasCoreType);
