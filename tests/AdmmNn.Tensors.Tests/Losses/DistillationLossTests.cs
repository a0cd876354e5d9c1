using AdmmNn.Tensors.Losses;

namespace AdmmNn.Tensors.Tests.Losses;

public sealed class DistillationLossTests
{
    private static (float[] Student, float[] Teacher, int[] Labels) Case(int n, int classes, int seed)
    {
        var rng = new Random(seed);
        var student = Enumerable.Range(0, n * classes).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var teacher = Enumerable.Range(0, n * classes).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(classes)).ToArray();
        return (student, teacher, labels);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 4.0)]
    [InlineData(1.0, 2.0)]
    [InlineData(0.7, 0.5)]
    public void Gradient_matches_finite_differences(double weight, double temperature)
    {
        var (student, teacher, labels) = Case(3, 5, 11);
        var grad = new float[student.Length];
        DistillationLoss.Compute(student, teacher, 5, labels, weight, temperature, grad);
        const float h = 1e-2f;
        for (var i = 0; i < student.Length; i++)
        {
            var plus = (float[])student.Clone();
            var minus = (float[])student.Clone();
            plus[i] += h;
            minus[i] -= h;
            var numeric = (DistillationLoss.Compute(plus, teacher, 5, labels, weight, temperature, []).Loss
                - DistillationLoss.Compute(minus, teacher, 5, labels, weight, temperature, []).Loss) / (2 * h);
            Assert.True(Math.Abs(numeric - grad[i]) <= 2e-4 + 1e-3 * Math.Abs(numeric), $"logit {i}: analytic {grad[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Weight_zero_is_cross_entropy_bit_for_bit()
    {
        var (student, teacher, labels) = Case(4, 10, 3);
        var ce = new float[student.Length];
        var kd = new float[student.Length];
        var (ceLoss, ceCorrect) = CrossEntropyLoss.Compute(student, 10, labels, ce);
        var (kdLoss, kdCorrect) = DistillationLoss.Compute(student, teacher, 10, labels, 0, 4, kd);
        Assert.Equal(ceLoss, kdLoss, 12);
        Assert.Equal(ceCorrect, kdCorrect);
        Assert.Equal(ce, kd);
    }

    [Fact]
    public void Soft_term_is_zero_when_the_student_equals_the_teacher()
    {
        var (student, _, labels) = Case(2, 4, 5);
        var grad = new float[student.Length];
        var (loss, _) = DistillationLoss.Compute(student, student, 4, labels, 1, 3, grad);
        Assert.Equal(0, loss, 9);
        Assert.All(grad, g => Assert.True(Math.Abs(g) < 1e-7));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => DistillationLoss.Compute(new float[4], new float[2], 2, [0, 1], 0.5, 2, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => DistillationLoss.Compute(new float[4], new float[4], 2, [0, 1], 1.5, 2, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => DistillationLoss.Compute(new float[4], new float[4], 2, [0, 1], 0.5, 0, []));
    }
}
