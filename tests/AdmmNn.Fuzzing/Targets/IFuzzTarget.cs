namespace AdmmNn.Fuzzing.Targets;

/// <summary>A reader under test: loads the bytes and, when they load, runs the model once on a zero input.</summary>
public interface IFuzzTarget
{
    /// <summary>Short name (packed, onnx).</summary>
    string Name { get; }

    /// <summary>File extension of inputs (for saved failures).</summary>
    string Extension { get; }

    /// <summary>Loads and runs; never throws (exceptions become the outcome).</summary>
    FuzzOutcome Run(byte[] bytes);
}
