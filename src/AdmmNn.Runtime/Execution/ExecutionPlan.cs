using System.Buffers;
using System.Collections.Concurrent;

namespace AdmmNn.Runtime.Execution;

/// <summary>
/// A compiled graph: ops over numbered value slots. Immutable after construction; every run keeps its values in
/// locals and pooled arrays, so concurrent runs need no locks. Shapes per batch size are cached.
/// </summary>
internal sealed class ExecutionPlan
{
    private const int MaxCachedBatchSizes = 64;
    private readonly ConcurrentDictionary<int, int[][]> _shapes = new();

    public ExecutionPlan(int slotCount, Value?[] constants, int inputSlot, int[] sampleShape, int outputSlot, Op[] ops)
    {
        SlotCount = slotCount;
        Constants = constants;
        InputSlot = inputSlot;
        SampleShape = sampleShape;
        OutputSlot = outputSlot;
        Ops = ops;
        LastUse = Enumerable.Repeat(-1, slotCount).ToArray();
        for (int i = 0; i < ops.Length; i++)
            foreach (var s in ops[i].Inputs)
                if (s >= 0) LastUse[s] = i;
    }

    public int SlotCount { get; }
    public Value?[] Constants { get; }
    public int InputSlot { get; }
    public int[] SampleShape { get; }
    public int OutputSlot { get; }
    public Op[] Ops { get; }
    public int[] LastUse { get; }

    /// <summary>Every slot's shape for <paramref name="batch"/> samples; throws <see cref="ShapeException"/> naming nothing (caller adds the op).</summary>
    public int[][] ShapesFor(int batch, Action<Op, ShapeException>? onError = null)
    {
        if (_shapes.TryGetValue(batch, out var cached)) return cached;
        var shapes = new int[SlotCount][];
        for (int s = 0; s < SlotCount; s++) if (Constants[s] is { } c) shapes[s] = c.Shape;
        shapes[InputSlot] = [batch, .. SampleShape];
        foreach (var op in Ops)
        {
            try
            {
                var result = op.InferShapes(op.Inputs.Select(s => s < 0 ? null : shapes[s]).ToArray());
                // A node may name more outputs than its op produces (e.g. a second output on a Conv): refuse, do not index past.
                if (result.Length < op.Outputs.Length)
                    throw new ShapeException($"the node names {op.Outputs.Length} outputs but {op.OpType} produces {result.Length}");
                for (int o = 0; o < op.Outputs.Length; o++)
                {
                    Shapes.Size(result[o]);
                    shapes[op.Outputs[o]] = result[o];
                }
            }
            catch (ShapeException ex) when (onError is not null)
            {
                onError(op, ex);
                throw;
            }
        }
        if (_shapes.Count < MaxCachedBatchSizes) _shapes.TryAdd(batch, shapes);
        return shapes;
    }

    public void Run(ReadOnlySpan<float> input, int batch, Span<float> output, long[]? opTicks = null)
    {
        var shapes = ShapesFor(batch);
        var values = new Value?[SlotCount];
        var pooled = new bool[SlotCount];
        Array.Copy(Constants, values, SlotCount);
        try
        {
            var x = new Value(ArrayPool<float>.Shared.Rent(input.Length), shapes[InputSlot]);
            values[InputSlot] = x;
            pooled[InputSlot] = true;
            input.CopyTo(x.Data);
            for (int i = 0; i < Ops.Length; i++)
            {
                var op = Ops[i];
                var ins = new Value?[op.Inputs.Length];
                for (int k = 0; k < ins.Length; k++) ins[k] = op.Inputs[k] < 0 ? null : values[op.Inputs[k]];
                var outs = new Value[op.Outputs.Length];
                for (int k = 0; k < outs.Length; k++)
                {
                    var shape = shapes[op.Outputs[k]];
                    outs[k] = new Value(ArrayPool<float>.Shared.Rent(Math.Max(1, Shapes.Size(shape))), shape);
                    values[op.Outputs[k]] = outs[k];
                    pooled[op.Outputs[k]] = true;
                }
                long started = opTicks is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
                op.Execute(ins, outs);
                if (opTicks is not null) opTicks[i] += System.Diagnostics.Stopwatch.GetTimestamp() - started;
                foreach (var s in op.Inputs)
                {
                    if (s < 0 || LastUse[s] != i || !pooled[s] || s == OutputSlot) continue;
                    ArrayPool<float>.Shared.Return(values[s]!.Data);
                    pooled[s] = false;
                    values[s] = null;
                }
            }
            values[OutputSlot]!.Span.CopyTo(output);
        }
        finally
        {
            for (int s = 0; s < SlotCount; s++)
                if (pooled[s] && values[s] is { } v) ArrayPool<float>.Shared.Return(v.Data);
        }
    }
}
