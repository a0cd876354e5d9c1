using System.Text;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Optimizers;

/// <summary>
/// Updates parameters in place from their gradients. Per-parameter state (momentum, moments) can be saved and
/// restored so training resumes bit-identically.
/// </summary>
public abstract class Optimizer
{
    private const string Magic = "ADMMNN-OPTIMIZER-1";

    /// <summary>Creates an optimizer over <paramref name="parameters"/>.</summary>
    protected Optimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToArray();
        LearningRate = learningRate;
    }

    /// <summary>The parameters stepped.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Current learning rate (schedules set it).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update from the current gradients.</summary>
    public abstract void Step();

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters)
        {
            p.Grad.Clear();
        }
    }

    /// <summary>Writes the optimizer's state (step count, learning rate, per-parameter buffers).</summary>
    public void SaveState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(GetType().Name);
        w.Write(StepCount);
        w.Write(LearningRate);
        w.Write(Parameters.Count);
        for (int i = 0; i < Parameters.Count; i++)
        {
            w.Write(Parameters[i].Name);
            var buffers = StateOf(i);
            w.Write(buffers.Count);
            foreach (var b in buffers)
            {
                w.Write(b.Length);
                foreach (float v in b)
                {
                    w.Write(v);
                }
            }
        }
    }

    /// <summary>Restores state written by <see cref="SaveState"/> for the same optimizer type and parameters.</summary>
    /// <exception cref="InvalidDataException">The state does not belong to this optimizer or parameter set.</exception>
    public void LoadState(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadString() != Magic)
            {
                throw new InvalidDataException("Optimizer state: not an AdmmNn optimizer state stream.");
            }

            string type = r.ReadString();
            if (type != GetType().Name)
            {
                throw new InvalidDataException($"Optimizer state: saved by {type}, loading into {GetType().Name}.");
            }

            long steps = r.ReadInt64();
            double lr = r.ReadDouble();
            int count = r.ReadInt32();
            if (count != Parameters.Count)
            {
                throw new InvalidDataException($"Optimizer state: has {count} parameters, this optimizer {Parameters.Count}.");
            }

            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                if (name != Parameters[i].Name)
                {
                    throw new InvalidDataException($"Optimizer state: parameter {i} is '{name}', expected '{Parameters[i].Name}'.");
                }

                var buffers = StateOf(i);
                int n = r.ReadInt32();
                if (n != buffers.Count)
                {
                    throw new InvalidDataException($"Optimizer state: parameter '{name}' has {n} buffers, expected {buffers.Count}.");
                }

                foreach (var b in buffers)
                {
                    int len = r.ReadInt32();
                    if (len != b.Length)
                    {
                        throw new InvalidDataException($"Optimizer state: buffer of '{name}' has {len} values, expected {b.Length}.");
                    }

                    for (int k = 0; k < len; k++)
                    {
                        b[k] = r.ReadSingle();
                    }
                }
            }

            StepCount = steps;
            LearningRate = lr;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("Optimizer state: the stream ends early.", e);
        }
    }

    /// <summary>The state buffers of parameter <paramref name="index"/> (same order on save and load).</summary>
    protected abstract IReadOnlyList<float[]> StateOf(int index);
}
