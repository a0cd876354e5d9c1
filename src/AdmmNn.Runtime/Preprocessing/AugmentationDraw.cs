namespace AdmmNn.Runtime.Preprocessing;

/// <summary>The random choices of training augmentation for one sample: crop offsets into the padded image and whether to flip.</summary>
/// <param name="OffsetY">Row of the crop's top in the padded image (0..2·padding).</param>
/// <param name="OffsetX">Column of the crop's left in the padded image (0..2·padding).</param>
/// <param name="Flip">Mirror left-right.</param>
public readonly record struct AugmentationDraw(int OffsetY, int OffsetX, bool Flip)
{
    /// <summary>
    /// The draw for sample <paramref name="sampleIndex"/> in <paramref name="epoch"/> under <paramref name="seed"/>: a hash of the three,
    /// so it does not depend on which thread or batch handles the sample.
    /// </summary>
    public static AugmentationDraw For(int seed, int epoch, int sampleIndex, int padding, bool flip)
    {
        var state = Mix(((ulong)(uint)seed << 32) ^ (ulong)(uint)epoch);
        state = Mix(state ^ (ulong)(uint)sampleIndex * 0x9E3779B97F4A7C15UL);
        var span = 2 * padding + 1;
        var y = padding > 0 ? (int)(state % (ulong)span) : 0;
        state = Mix(state);
        var x = padding > 0 ? (int)(state % (ulong)span) : 0;
        state = Mix(state);
        return new AugmentationDraw(y, x, flip && (state & 1) == 1);
    }

    // SplitMix64's finalizer: a cheap, well-mixed hash.
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
