using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>The small-plane path of <see cref="ConvOp"/>: the whole batch as one dense product (<see cref="SmallPlaneConv"/>).</summary>
internal sealed partial class ConvOp
{
    /// <summary>
    /// Planes with H·W at most this many times kh·kw run on <see cref="SmallPlaneConv"/> (0 turns it off; benchmarks set it
    /// for A/B runs). Measured with <c>cnn --nets resnet18-32</c> (docs/engine-kernels.md).
    /// </summary>
    internal static double SmallPlaneRatio { get; set; } = 1.0;

    private SmallPlaneConv? _smallPlane;
    private float[] _dense = [];

    // The weights D was last expanded from: D is rebuilt only when they change.
    private readonly WeightSnapshot _denseSource = new();
    private long _denseStamp = -1;

    /// <summary>Whether this convolution runs as one dense product: chosen per shape unless a kernel is forced (Im2Col, Direct).</summary>
    private bool UsesSmallPlane(ConvPlan plan) =>
        _group == 1 && Algorithm is not (ConvAlgorithm.Im2Col or ConvAlgorithm.Direct or ConvAlgorithm.Winograd) && SmallPlaneConv.Pays(plan.G, plan.Cin, plan.Cout, SmallPlaneRatio);

    /// <summary>The layout for <paramref name="plan"/>'s shape (a new shape also gets a new, zeroed D).</summary>
    private SmallPlaneConv SmallPlaneLayout(ConvPlan plan)
    {
        if (_smallPlane is not { } layout || layout.G != plan.G || layout.Cin != plan.Cin || layout.Cout != plan.Cout)
        {
            _smallPlane = layout = new SmallPlaneConv(plan.G, plan.Cin, plan.Cout);
            _dense = new float[(long)layout.Rows * layout.Columns];
            _denseSource.Forget();
            _denseStamp = -1;
        }

        return layout;
    }

    /// <summary>D for <paramref name="wd"/>: the op's cached matrix (zeros laid once per shape), connected entries rewritten, channels in parallel.</summary>
    private (SmallPlaneConv Layout, float[] Dense) SmallPlaneDense(ConvPlan plan, float[] wd, int threads)
    {
        var layout = SmallPlaneLayout(plan);
        float[] dense = _dense;
        int weights = plan.Cout * plan.Cin * layout.Taps;
        ReadOnlySpan<float> w = wd.AsSpan(0, weights);
        if (CanReuseDerived(_denseStamp))
        {
            return (layout, dense);
        }

        if (_denseSource.Matches(w))
        {
            _denseStamp = DerivedStamp;
            return (layout, dense);
        }

        Workers.For(plan.Cout, (long)layout.Connections * plan.Cin, threads, (co, _) => layout.Expand(wd, dense, co, 1));
        _denseSource.Remember(w);
        _denseStamp = DerivedStamp;
        return (layout, dense);
    }

    /// <summary>Y (N × Cout·OH·OW) = X (N × Cin·H·W) · Dᵀ onto rows pre-filled with the bias, then the epilogue.</summary>
    private void SmallPlaneForward(ConvPlan plan, float[] xd, float[] wd, float[]? bias, float[] yd, ConvEpilogue epilogue, int threads)
    {
        var (layout, dense) = SmallPlaneDense(plan, wd, threads);
        int n = plan.N, rows = layout.Rows, columns = layout.Columns, ohw = plan.OutHW;
        if (bias is not null)
        {
            // Images in parallel (the bias rows and the epilogue below are each one pass over the whole output; run on
            // one thread they left the second core idle between the GEMMs of resnet18-32's deep stages).
            int cout = plan.Cout;
            Workers.For(n, rows, threads, (i, _) =>
            {
                for (int co = 0; co < cout; co++)
                {
                    yd.AsSpan(i * rows + co * ohw, ohw).Fill(bias[co]);
                }
            });
        }

        Gemm.Multiply(false, true, n, rows, columns, 1f, xd.AsSpan(0, n * columns), columns, dense, columns, bias is null ? 0f : 1f,
            yd.AsSpan(0, n * rows), rows);
        if (!epilogue.IsNone)
        {
            Workers.For(n, rows, threads, (i, _) => epilogue.Apply(yd.AsSpan(i * rows, rows), i * rows));
        }
    }

    /// <summary>dX += dY·D; dD = dYᵀ·X folded onto the taps into dW; db per channel over the batch in image order.</summary>
    private void SmallPlaneBackward(ConvPlan plan, float[] xd, float[] wd, float[] dyd, float[]? dx, float[]? dw, float[]? db, int threads)
    {
        int n = plan.N, ohw = plan.OutHW, cout = plan.Cout;
        if (dx is not null)
        {
            var (layout, dense) = SmallPlaneDense(plan, wd, threads);
            Gemm.Multiply(false, false, n, layout.Columns, layout.Rows, 1f, dyd.AsSpan(0, n * layout.Rows), layout.Rows, dense, layout.Columns, 1f,
                dx.AsSpan(0, n * layout.Columns), layout.Columns);
        }

        if (dw is not null)
        {
            var layout = SmallPlaneLayout(plan);
            int rows = layout.Rows, columns = layout.Columns;
            float[] denseGrad = _workspace.Partials(1, rows * columns, 0)[0];
            Gemm.Multiply(true, false, rows, columns, n, 1f, dyd.AsSpan(0, n * rows), rows, xd.AsSpan(0, n * columns), columns, 0f,
                denseGrad.AsSpan(0, rows * columns), columns);
            Workers.For(cout, (long)layout.Connections * plan.Cin, threads, (co, _) => layout.GatherAdd(denseGrad, dw, co, 1));
        }

        if (db is not null)
        {
            Workers.For(cout, (long)n * ohw, threads, (co, _) => db[co] += BiasGradient(dyd, n, cout, ohw, co));
        }
    }
}
