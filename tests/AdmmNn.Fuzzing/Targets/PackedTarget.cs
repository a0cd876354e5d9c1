using AdmmNn.Runtime;

namespace AdmmNn.Fuzzing.Targets;

/// <summary><see cref="CompressedModel.Load(byte[], CompressedModelOptions?)"/> then one run: only <see cref="InvalidModelException"/> is allowed.</summary>
public sealed class PackedTarget : IFuzzTarget
{
    private static readonly CompressedModelOptions Options = new() { Threads = 1 };

    /// <inheritdoc />
    public string Name => "packed";

    /// <inheritdoc />
    public string Extension => ".admmnn";

    /// <inheritdoc />
    public FuzzOutcome Run(byte[] bytes, bool thorough = true)
    {
        string stage = "load";
        try
        {
            var model = CompressedModel.Load(bytes, Options);
            stage = "run";
            model.Predict(new float[model.InputSize]);
            return new FuzzOutcome(FuzzVerdict.Ran, null, stage);
        }
        catch (InvalidModelException ex) when (stage == "load")
        {
            return new FuzzOutcome(FuzzVerdict.Rejected, ex, stage);
        }
        catch (Exception ex)
        {
            return new FuzzOutcome(FuzzVerdict.Defect, ex, stage);
        }
    }
}
