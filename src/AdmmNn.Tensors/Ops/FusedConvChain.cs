using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// Evaluation-mode fusion of Conv → [BatchNormalization] → [Add residual] → [Relu | Clip]: the BatchNorm (running
/// statistics) is folded into the convolution's weights and bias, W'[m] = W[m]·a[m], b'[m] = b[m]·a[m] + β[m] − μ[m]·a[m]
/// with a = γ / √(σ² + ε), and the residual add and clamp run on each output block while it is still in cache. The
/// folded weights are recomputed on every pass (one multiply per weight), so they always follow the live parameters.
/// Only the last value of the chain is written; the intermediate values are not computed. When a shape does not
/// fit (e.g. a broadcasting residual), the chain's ops run one by one instead.
/// </summary>
internal sealed class FusedConvChain
{
    private readonly ConvOp _conv;
    private readonly BatchNormOp? _norm;
    private readonly int _residualId;
    private readonly NodeOp? _activation;
    private readonly NodeOp[] _members;
    private float[] _weights = [];
    private float[] _bias = [];
    private float[] _parameters = [];

    // The source weights and vectors of the last fused pass (see SameSourceAsLastPass).
    private readonly WeightSnapshot _weightSource = new();
    private readonly WeightSnapshot _parameterSource = new();

    /// <param name="conv">The convolution.</param>
    /// <param name="norm">The BatchNormalization reading the convolution's output, or null.</param>
    /// <param name="residualId">Value id added to the (normalized) output, or −1.</param>
    /// <param name="activation">A <see cref="ReluOp"/> or <see cref="ClipOp"/> applied last, or null.</param>
    /// <param name="members">Every op of the chain in execution order (the unfused fallback).</param>
    public FusedConvChain(ConvOp conv, BatchNormOp? norm, int residualId, NodeOp? activation, NodeOp[] members)
    {
        if (activation is not (null or ReluOp or ClipOp))
        {
            throw new ArgumentException($"FusedConvChain: activation must be Relu or Clip, not {activation.Node.OpType}.", nameof(activation));
        }

        _conv = conv;
        _norm = norm;
        _residualId = residualId;
        _activation = activation;
        _members = members;
        OutputId = members[^1].Out[0];
    }

    /// <summary>The convolution heading the chain (its node names the chain in errors).</summary>
    public ConvOp Conv => _conv;

    /// <summary>The ops fused, in execution order.</summary>
    public IReadOnlyList<NodeOp> Members => _members;

    /// <summary>The value the chain produces (the last op's output).</summary>
    public int OutputId { get; }

    /// <summary>
    /// A chain headed by a 1×1 projection shortcut of the same input that runs in this chain's pass (set by
    /// <see cref="EvalFusion"/>, which then schedules no step of its own for it; see ConvOp.Projection.cs), or null.
    /// </summary>
    public FusedConvChain? Partner { get; set; }

    /// <summary>Whether the last <see cref="Forward"/> ran the <see cref="Partner"/> in the same pass (for tests and profiles).</summary>
    public bool LastPassPaired { get; private set; }

    /// <summary>Runs the chain (and its <see cref="Partner"/>), fused when the shapes allow.</summary>
    public void Forward(ExecutionState s)
    {
        var own = Prepare(s);
        LastPassPaired = false;
        if (Partner is not { } partner)
        {
            Run(s, own);
            return;
        }

        var other = partner.Prepare(s);
        if (own is { } a && other is { } b && _conv.TryForwardFusedWithProjection(s, a, OutputId, partner._conv, b, partner.OutputId))
        {
            LastPassPaired = true;
            return;
        }

        Run(s, own);
        partner.Run(s, other);
    }

    private void Run(ExecutionState s, FusedConvArguments? arguments)
    {
        if (arguments is { } a)
        {
            _conv.ForwardFused(s, a.Weights, a.Bias, OutputId, a.Epilogue, a.WeightsUnchanged);
        }
        else
        {
            RunUnfused(s);
        }
    }

    /// <summary>The folded weights, bias and epilogue for this pass, or null when the shapes do not fit (run unfused).</summary>
    private FusedConvArguments? Prepare(ExecutionState s)
    {
        var x = s.Value(_conv.In[0]);
        var w = s.Value(_conv.In[1]);
        if (x.Rank != 4 || w.Rank != 4)
        {
            return null;
        }

        int[] shape = _conv.OutputShape(x, w);
        int cout = shape[1];
        float[]? convBias = _conv.In.Length > 2 && _conv.In[2] >= 0 ? s.Value(_conv.In[2]).Data : null;
        float[]? residual = null;
        if (_residualId >= 0)
        {
            var r = s.Value(_residualId);
            if (!r.HasShape(shape))
            {
                return null;
            }

            residual = r.Data;
        }

        if (convBias is not null && convBias.Length != cout)
        {
            return null;
        }

        float[] weights = w.Data;
        float[]? bias = convBias;
        float[]? scale = null, beta = null, mean = null, variance = null;
        if (_norm is not null)
        {
            scale = s.Value(_norm.In[1]).Data;
            beta = s.Value(_norm.In[2]).Data;
            mean = s.Value(_norm.In[3]).Data;
            variance = s.Value(_norm.In[4]).Data;
            if (scale.Length != cout || beta.Length != cout || mean.Length != cout || variance.Length != cout)
            {
                return null;
            }
        }

        // Unchanged weights and BatchNorm parameters (every evaluation pass between training steps): the folded weights
        // of the last pass are still right, and the convolution reuses what it derived from them.
        bool unchanged = SameSourceAsLastPass(w.Data, convBias, scale, beta, mean, variance);
        if (_norm is not null)
        {
            (weights, bias) = unchanged ? (_weights, _bias) : Fold(w.Data, convBias, scale!, beta!, mean!, variance!, _norm.Epsilon);
        }

        var (lo, hi) = _activation switch
        {
            ReluOp => (0f, float.PositiveInfinity),
            ClipOp clip => clip.Bounds(s),
            _ => (float.NegativeInfinity, float.PositiveInfinity),
        };
        return new FusedConvArguments(weights, bias, new ConvEpilogue(residual, lo, hi), unchanged);
    }

    /// <summary>
    /// Whether the weights and the bias/BatchNorm vectors are bit for bit those of the last fused pass (then remembered
    /// for the next). The vectors are gathered into one scratch array, their lengths included, so a bias that appears or
    /// disappears also counts as a change.
    /// </summary>
    private bool SameSourceAsLastPass(float[] w, float[]? convBias, float[]? scale, float[]? beta, float[]? mean, float[]? variance)
    {
        int length = 1 + (convBias?.Length ?? 0) + (scale?.Length ?? 0) + (beta?.Length ?? 0) + (mean?.Length ?? 0) + (variance?.Length ?? 0);
        if (_parameters.Length != length)
        {
            _parameters = new float[length];
        }

        int at = 0;
        _parameters[at++] = convBias?.Length ?? -1;
        foreach (float[]? v in (ReadOnlySpan<float[]?>)[convBias, scale, beta, mean, variance])
        {
            v?.CopyTo(_parameters, at);
            at += v?.Length ?? 0;
        }

        bool same = _weightSource.Matches(w) && _parameterSource.Matches(_parameters);
        if (!same)
        {
            _weightSource.Remember(w);
            _parameterSource.Remember(_parameters);
        }

        return same;
    }

    /// <summary>Folds inference-mode BatchNorm into the weights and bias (the same float arithmetic as <see cref="BatchNormOp"/>'s a and shift).</summary>
    private (float[] Weights, float[] Bias) Fold(float[] w, float[]? convBias, float[] scale, float[] beta, float[] mean, float[] variance, float epsilon)
    {
        int cout = scale.Length, k = w.Length / cout;
        if (_weights.Length != w.Length)
        {
            _weights = new float[w.Length];
        }

        if (_bias.Length != cout)
        {
            _bias = new float[cout];
        }

        for (int m = 0; m < cout; m++)
        {
            float a = scale[m] * (1f / MathF.Sqrt(variance[m] + epsilon));
            float shift = beta[m] - mean[m] * a;
            _bias[m] = convBias is null ? shift : MathF.FusedMultiplyAdd(convBias[m], a, shift);
            System.Numerics.Tensors.TensorPrimitives.Multiply(w.AsSpan(m * k, k), a, _weights.AsSpan(m * k, k));
        }

        return (_weights, _bias);
    }

    private void RunUnfused(ExecutionState s)
    {
        foreach (var op in _members)
        {
            op.Forward(s);
        }
    }
}
