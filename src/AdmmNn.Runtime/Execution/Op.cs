namespace AdmmNn.Runtime.Execution;

/// <summary>
/// One executable node. Ops are immutable after compilation (weights prepared once), so one instance serves
/// any number of concurrent runs; all per-run state lives in the <see cref="Value"/>s and pooled scratch.
/// </summary>
internal abstract class Op
{
    public string Name { get; set; } = "";
    public string OpType { get; set; } = "";

    /// <summary>File offset of the node's record, for error messages.</summary>
    public int NodeOffset { get; set; }

    /// <summary>Value slots read (-1 for an omitted optional input) and written.</summary>
    public int[] Inputs { get; set; } = [];
    public int[] Outputs { get; set; } = [];

    /// <summary>Output shapes for the given input shapes (null entries for omitted inputs); throws <see cref="ShapeException"/>.</summary>
    public abstract int[][] InferShapes(int[]?[] inputs);

    /// <summary>Computes outputs (already allocated with the inferred shapes) from inputs.</summary>
    public abstract void Execute(Value?[] inputs, Value[] outputs);

    /// <summary>
    /// Rough operation count of one run with these input shapes: what the loader weighs against the file's size so that a
    /// small hostile file cannot demand hours of compute. Default: the output elements.
    /// </summary>
    public virtual long Work(int[]?[] inputs) => InferShapes(inputs).Sum(s => (long)Shapes.Size(s));
}
