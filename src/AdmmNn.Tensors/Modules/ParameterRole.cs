namespace AdmmNn.Tensors.Modules;

/// <summary>What a trainable tensor is for; compression targets <see cref="Weight"/>.</summary>
public enum ParameterRole
{
    /// <summary>The weight input of Conv, Gemm or MatMul.</summary>
    Weight,

    /// <summary>A bias (Conv/Gemm bias input, or an initializer added to a layer's output).</summary>
    Bias,

    /// <summary>BatchNormalization scale or shift.</summary>
    Normalization,

    /// <summary>Any other trainable initializer.</summary>
    Other,
}
