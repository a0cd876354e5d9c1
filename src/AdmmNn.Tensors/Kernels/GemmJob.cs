namespace AdmmNn.Tensors.Kernels;

/// <summary>One GEMM call's operands as raw pointers (pinned by the caller for the call's duration).</summary>
internal readonly unsafe struct GemmJob(bool transA, bool transB, int m, int n, int k, float alpha,
    float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
{
    public readonly bool TransA = transA;
    public readonly bool TransB = transB;
    public readonly int M = m;
    public readonly int N = n;
    public readonly int K = k;
    public readonly float Alpha = alpha;
    public readonly float* A = a;
    public readonly int Lda = lda;
    public readonly float* B = b;
    public readonly int Ldb = ldb;
    public readonly float Beta = beta;
    public readonly float* C = c;
    public readonly int Ldc = ldc;
}
