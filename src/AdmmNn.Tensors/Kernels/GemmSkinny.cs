using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// GEMM for very few rows of C (batch-1 and tiny-batch linear layers), where packing B would cost more than the
/// arithmetic: each row of C is computed straight from B, as dot products (B transposed, rows contiguous in k) or as
/// a sum of scaled rows of B. Per-element arithmetic does not depend on how columns are split among threads.
/// </summary>
internal static unsafe class GemmSkinny
{
    /// <summary>Row count up to which the skinny path beats packing.</summary>
    public const int MaxRows = 4;

    /// <summary>Columns handed to one thread at a time are multiples of this (whole cache lines of C).</summary>
    private const int ColumnGrain = 16;

    [ThreadStatic]
    private static GemmPackBuffers? buffers;

    public static void Run(in GemmJob job, int threads, long parallelThreshold)
    {
        long work = (long)job.M * job.N * job.K;
        int grains = (job.N + ColumnGrain - 1) / ColumnGrain;
        int parts = Math.Min(threads, grains);
        if (work < parallelThreshold || parts < 2)
        {
            RunColumns(in job, 0, job.N);
            return;
        }

        GemmParallelCall.Run(in job, &RunPartition, parts, splitN: true);
    }

    private static void RunPartition(in GemmJob job, int index, int parts, bool splitN)
    {
        int grains = (job.N + ColumnGrain - 1) / ColumnGrain;
        int n0 = Math.Min(job.N, (int)((long)grains * index / parts) * ColumnGrain);
        int n1 = Math.Min(job.N, (int)((long)grains * (index + 1) / parts) * ColumnGrain);
        RunColumns(in job, n0, n1);
    }

    /// <summary>Columns n0..n1 of every row of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunColumns(in GemmJob job, int n0, int n1)
    {
        if (n0 >= n1)
        {
            return;
        }

        int width = n1 - n0;
        GemmPackBuffers scratch = buffers ??= new GemmPackBuffers();
        float* sums = scratch.B(width);
        float* aRow = scratch.A(job.K);
        for (int i = 0; i < job.M; i++)
        {
            var sum = new Span<float>(sums, width);
            if (job.TransB)
            {
                // C[i, j] = dot(row i of op(A), row j of B as stored): both contiguous in k.
                ReadOnlySpan<float> ai = RowOfOpA(in job, i, aRow);
                if (Vector512.IsHardwareAccelerated)
                {
                    fixed (float* a = ai)
                    {
                        for (int j = 0; j < width; j += 4)
                        {
                            // Four columns per pass share each load of A; past the last column the pointers repeat it,
                            // so every column runs the same arithmetic whichever block it falls in.
                            int last = width - 1;
                            Dot1x4(job.K, a, job.B + (long)(n0 + j) * job.Ldb, job.B + (long)(n0 + Math.Min(j + 1, last)) * job.Ldb,
                                job.B + (long)(n0 + Math.Min(j + 2, last)) * job.Ldb, job.B + (long)(n0 + Math.Min(j + 3, last)) * job.Ldb,
                                sums + j, Math.Min(4, width - j));
                        }
                    }
                }
                else
                {
                    for (int j = 0; j < width; j++)
                    {
                        sum[j] = TensorPrimitives.Dot(ai, new ReadOnlySpan<float>(job.B + (long)(n0 + j) * job.Ldb, job.K));
                    }
                }
            }
            else
            {
                // C[i, :] = Σp op(A)[i, p] · B[p, :], accumulated in k order.
                sum.Clear();
                for (int p = 0; p < job.K; p++)
                {
                    float aip = job.TransA ? job.A[(long)p * job.Lda + i] : job.A[(long)i * job.Lda + p];
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(job.B + (long)p * job.Ldb + n0, width), aip, sum, sum);
                }
            }

            float* c = job.C + (long)i * job.Ldc + n0;
            for (int j = 0; j < width; j++)
            {
                c[j] = job.Beta == 0f ? job.Alpha * sum[j] : MathF.FusedMultiplyAdd(job.Alpha, sum[j], job.Beta * c[j]);
            }
        }
    }

    /// <summary>out[c] = Σp a[p]·bc[p] for the first <paramref name="count"/> of four B rows (16-wide FMA chains, then lane sums).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot1x4(int k, float* a, float* b0, float* b1, float* b2, float* b3, float* output, int count)
    {
        Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int p = 0;
        for (; p <= k - 16; p += 16)
        {
            Vector512<float> va = Vector512.Load(a + p);
            s0 = Vector512.FusedMultiplyAdd(va, Vector512.Load(b0 + p), s0);
            s1 = Vector512.FusedMultiplyAdd(va, Vector512.Load(b1 + p), s1);
            s2 = Vector512.FusedMultiplyAdd(va, Vector512.Load(b2 + p), s2);
            s3 = Vector512.FusedMultiplyAdd(va, Vector512.Load(b3 + p), s3);
        }

        float r0 = Vector512.Sum(s0), r1 = Vector512.Sum(s1), r2 = Vector512.Sum(s2), r3 = Vector512.Sum(s3);
        for (; p < k; p++)
        {
            r0 = MathF.FusedMultiplyAdd(a[p], b0[p], r0);
            r1 = MathF.FusedMultiplyAdd(a[p], b1[p], r1);
            r2 = MathF.FusedMultiplyAdd(a[p], b2[p], r2);
            r3 = MathF.FusedMultiplyAdd(a[p], b3[p], r3);
        }

        output[0] = r0;
        if (count > 1)
        {
            output[1] = r1;
        }

        if (count > 2)
        {
            output[2] = r2;
        }

        if (count > 3)
        {
            output[3] = r3;
        }
    }

    /// <summary>Row i of op(A) as a contiguous span (copied into <paramref name="scratch"/> when A is stored transposed).</summary>
    private static ReadOnlySpan<float> RowOfOpA(in GemmJob job, int i, float* scratch)
    {
        if (!job.TransA)
        {
            return new ReadOnlySpan<float>(job.A + (long)i * job.Lda, job.K);
        }

        for (int p = 0; p < job.K; p++)
        {
            scratch[p] = job.A[(long)p * job.Lda + i];
        }

        return new ReadOnlySpan<float>(scratch, job.K);
    }
}
