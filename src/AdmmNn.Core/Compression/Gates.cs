using System.Globalization;
using AdmmNn.Core.Policy;
using AdmmNn.Diagnostics;

namespace AdmmNn.Core.Compression;

/// <summary>
/// The one implementation of the gates a compressed model must pass: the policy's (accuracy drop, storage ratio) and the
/// packed size (<c>admmnn pack</c>). The MSBuild task passes its limits to the tool and computes none itself.
/// </summary>
public static class Gates
{
    /// <summary>Largest allowed accuracy drop, a fraction (policy <c>gates.maxAccuracyDrop</c>).</summary>
    public const string MaxAccuracyDrop = "maxAccuracyDrop";

    /// <summary>Smallest required storage ratio (policy <c>gates.minStorageRatio</c>).</summary>
    public const string MinStorageRatio = "minStorageRatio";

    /// <summary>Largest allowed packed file, in bytes.</summary>
    public const string MaxModelBytes = "maxModelBytes";

    /// <summary>The gates of <paramref name="gates"/> measured on a result (none when the policy sets none).</summary>
    public static List<GateResult> Evaluate(PolicyGates gates, double accuracyDrop, double storageRatio)
    {
        ArgumentNullException.ThrowIfNull(gates);
        var results = new List<GateResult>();
        // The drop is a difference of two accuracies: allow for its rounding, so a limit equal to the drop passes.
        if (gates.MaxAccuracyDrop is { } maxDrop) results.Add(AtMost(MaxAccuracyDrop, maxDrop, accuracyDrop, 1e-12));
        if (gates.MinStorageRatio is { } minRatio) results.Add(AtLeast(MinStorageRatio, minRatio, storageRatio));
        return results;
    }

    /// <summary>A gate that holds when <paramref name="actual"/> ≤ <paramref name="limit"/> (+ <paramref name="tolerance"/>).</summary>
    public static GateResult AtMost(string name, double limit, double actual, double tolerance = 0) =>
        new() { Name = name, Limit = limit, Actual = actual, Passed = actual <= limit + tolerance };

    /// <summary>A gate that holds when <paramref name="actual"/> ≥ <paramref name="limit"/>.</summary>
    public static GateResult AtLeast(string name, double limit, double actual) =>
        new() { Name = name, Limit = limit, Actual = actual, Passed = actual >= limit };

    /// <summary>The ADMMNN code of a gate.</summary>
    public static string CodeOf(string name) => name switch
    {
        MaxAccuracyDrop => DiagnosticCodes.AccuracyGate,
        MaxModelBytes => DiagnosticCodes.SizeGate,
        _ => DiagnosticCodes.StorageGate,
    };

    /// <summary>
    /// A failed gate as an error; it points at the policy line that set the limit when <paramref name="policy"/> set it,
    /// and at no file when the limit came from elsewhere (a command-line option, an MSBuild item).
    /// </summary>
    public static Diagnostic ToDiagnostic(GateResult gate, CompressionPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(gate);
        var message = $"gate {gate.Name} failed: limit {Number(gate.Limit)}, measured {Number(gate.Actual)}";
        return policy is null
            ? Diagnostic.Error(CodeOf(gate.Name), message)
            : Diagnostic.Error(CodeOf(gate.Name), message, policy.SourceFile, policy.Locations?.LineOf("gates." + gate.Name) ?? 0);
    }

    private static string Number(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
