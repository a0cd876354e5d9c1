using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Tests.Support;

/// <summary>
/// Checks an op's forward against a double-precision reference and its backward against central finite
/// differences of that reference (computed in double, step 1e-6), for the loss L = Σ y·r with random r.
/// </summary>
public static class GradientCheck
{
    public static void Run(OpGraph op, Func<IReadOnlyDictionary<string, DTensor>, DTensor> reference,
        bool training = false, int maxProbes = 24, double forwardTolerance = 1e-4, double gradientTolerance = 2e-3)
    {
        var module = GraphModule.FromGraph(op.Graph);
        module.Training = training;
        var y = module.Run(new Dictionary<string, Tensor>())["y"];
        var operands = op.Operands;
        var yRef = reference(operands);
        Assert.Equal(yRef.S, y.Shape);
        var yv = y.ToArray();
        double scale = Math.Max(1, yRef.V.Max(Math.Abs));
        for (int i = 0; i < yv.Length; i++)
        {
            Assert.True(Math.Abs(yv[i] - yRef.V[i]) <= forwardTolerance * scale,
                $"forward element {i}: engine {yv[i]} vs reference {yRef.V[i]}");
        }

        var random = new Random(7);
        var r = new DTensor(yRef.V.Select(_ => random.NextDouble() * 2 - 1).ToArray(), yRef.S);
        module.Backward(new Dictionary<string, Tensor> { ["y"] = new Tensor(r.ToFloats(), (int[])r.S.Clone()) });
        double Loss(IReadOnlyDictionary<string, DTensor> xs)
        {
            var v = reference(xs);
            double s = 0;
            for (int i = 0; i < v.Size; i++)
            {
                s += v.V[i] * (double)(float)r.V[i];
            }

            return s;
        }

        int checkedCount = 0;
        foreach (var p in module.Parameters)
        {
            var grad = p.Grad.ToArray();
            var x = operands[p.Name];
            var probes = x.Size <= maxProbes ? Enumerable.Range(0, x.Size) : Enumerable.Range(0, maxProbes).Select(_ => random.Next(x.Size));
            foreach (int k in probes)
            {
                const double h = 1e-6;
                var plus = new Dictionary<string, DTensor>(operands) { [p.Name] = x.Copy() };
                plus[p.Name].V[k] += h;
                var minus = new Dictionary<string, DTensor>(operands) { [p.Name] = x.Copy() };
                minus[p.Name].V[k] -= h;
                double fd = (Loss(plus) - Loss(minus)) / (2 * h);
                Assert.True(Math.Abs(grad[k] - fd) <= gradientTolerance * Math.Max(1, Math.Abs(fd)),
                    $"d/d{p.Name}[{k}]: engine {grad[k]} vs finite difference {fd}");
                checkedCount++;
            }
        }

        Assert.True(checkedCount > 0, "no parameter was checked");
    }
}
