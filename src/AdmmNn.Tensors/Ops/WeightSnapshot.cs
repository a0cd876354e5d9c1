using System.Runtime.InteropServices;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// A copy of the weights a derived form (Winograd-transformed, small-plane expanded) was last built from. Evaluation passes
/// the same folded weights every call and a training step's backward the forward's weights, so comparing bit for bit
/// lets the op rebuild the form only when the weights really change.
/// </summary>
internal sealed class WeightSnapshot
{
    private float[] _source = [];

    /// <summary>Weights from this many floats up are compared in parallel parts (resnet18-32's 2.4M-weight layer4 convolutions).</summary>
    internal const int ParallelFloats = 1 << 18;

    /// <summary>Whether <paramref name="weights"/> are bit for bit the weights last <see cref="Remember"/>ed.</summary>
    public bool Matches(ReadOnlySpan<float> weights) =>
        _source.Length == weights.Length && MemoryMarshal.AsBytes(weights).SequenceEqual(MemoryMarshal.AsBytes(_source.AsSpan()));

    /// <summary>
    /// <see cref="Matches(ReadOnlySpan{float})"/> for a whole array, split across the engine's threads when it is large:
    /// in evaluation the comparison runs once per pass per layer and would otherwise leave the second core idle.
    /// </summary>
    public bool Matches(float[] weights)
    {
        if (_source.Length != weights.Length)
        {
            return false;
        }

        if (weights.Length < ParallelFloats || Parallelism.Workers.IsInsideWorker)
        {
            return Matches(weights.AsSpan());
        }

        const int parts = 8;
        float[] source = _source;
        int differing = 0;
        Parallelism.Workers.For(parts, weights.Length / parts, (part, _) =>
        {
            int start = (int)((long)weights.Length * part / parts), end = (int)((long)weights.Length * (part + 1) / parts);
            if (!MemoryMarshal.AsBytes(weights.AsSpan(start, end - start)).SequenceEqual(MemoryMarshal.AsBytes(source.AsSpan(start, end - start))))
            {
                Interlocked.Exchange(ref differing, 1);
            }
        });
        return differing == 0;
    }

    /// <summary>Records <paramref name="weights"/> once the derived form has been rebuilt from them.</summary>
    public void Remember(ReadOnlySpan<float> weights)
    {
        if (_source.Length != weights.Length)
        {
            _source = new float[weights.Length];
        }

        weights.CopyTo(_source);
    }

    /// <summary>Forgets the weights (a new shape: the derived form must be rebuilt whatever the weights are).</summary>
    public void Forget() => _source = [];
}
