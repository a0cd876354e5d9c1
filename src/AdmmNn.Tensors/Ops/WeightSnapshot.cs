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

    /// <summary>Whether <paramref name="weights"/> are bit for bit the weights last <see cref="Remember"/>ed.</summary>
    public bool Matches(ReadOnlySpan<float> weights) =>
        _source.Length == weights.Length && MemoryMarshal.AsBytes(weights).SequenceEqual(MemoryMarshal.AsBytes(_source.AsSpan()));

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
