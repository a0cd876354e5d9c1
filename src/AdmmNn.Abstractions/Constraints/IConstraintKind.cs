using System.Text.Json;

namespace AdmmNn.Abstractions.Constraints;

/// <summary>
/// A family of constraint sets (e.g. <c>unstructured</c>, <c>n:m</c>, <c>ternary</c>) that a policy names in its
/// <c>constraint.kind</c> field. Plugins add kinds; the host's built-in kinds implement the same contract.
/// </summary>
public interface IConstraintKind
{
    /// <summary>The name policies use; lower case, unique across loaded plugins.</summary>
    string Name { get; }

    /// <summary>One line for listings.</summary>
    string Description { get; }

    /// <summary>
    /// Creates the projection for one weight tensor from the policy's settings object for this constraint.
    /// Throws <see cref="ConstraintSettingsException"/> naming the offending field when the settings are invalid
    /// or do not fit the layout.
    /// </summary>
    IWeightProjection Create(WeightLayout layout, JsonElement settings);
}
