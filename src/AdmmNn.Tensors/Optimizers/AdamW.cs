using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Optimizers;

/// <summary>AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay w ← w − lr·wd·w (default wd 0.01).</summary>
public sealed class AdamW(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
    : Adam(parameters, learningRate, beta1, beta2, epsilon, weightDecay)
{
    /// <inheritdoc />
    protected override bool Decoupled => true;
}
