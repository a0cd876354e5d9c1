namespace AdmmNn.Fuzzing.Targets;

/// <summary>A reader under test: loads the bytes and, when they load, runs the model once on a zero input.</summary>
public interface IFuzzTarget
{
    /// <summary>Short name (packed, onnx).</summary>
    string Name { get; }

    /// <summary>File extension of inputs (for saved failures).</summary>
    string Extension { get; }

    /// <summary>Loads and runs; never throws (exceptions become the outcome).</summary>
    /// <param name="bytes">The input file.</param>
    /// <param name="thorough">
    /// False: a target with costly later stages may stop after the reader's own checks (the long ONNX run packs and runs
    /// only a seeded sample of the inputs that load: packing dominated its time). Replays and tests run everything.
    /// </param>
    FuzzOutcome Run(byte[] bytes, bool thorough = true);
}
