using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Tests.Constraints;

internal static class ProjectionExtensions
{
    public static float[] Apply(this IWeightProjection p, float[] x)
    {
        var y = new float[x.Length];
        p.Project(x, y);
        return y;
    }
}
