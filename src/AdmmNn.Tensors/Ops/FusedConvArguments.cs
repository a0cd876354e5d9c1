using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// What a <see cref="FusedConvChain"/> hands its convolution for one evaluation pass: the weights and bias with the
/// BatchNorm folded in, the epilogue (residual, clamp), and whether they are bit for bit those of the previous pass.
/// </summary>
internal readonly record struct FusedConvArguments(float[] Weights, float[]? Bias, ConvEpilogue Epilogue, bool WeightsUnchanged);
