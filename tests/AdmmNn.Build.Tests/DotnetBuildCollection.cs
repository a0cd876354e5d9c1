namespace AdmmNn.Build.Tests;

/// <summary>Test classes that run `dotnet build`: one at a time, so two builds never fight over the two cores.</summary>
[CollectionDefinition(Name)]
public sealed class DotnetBuildCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "dotnet build";
}
