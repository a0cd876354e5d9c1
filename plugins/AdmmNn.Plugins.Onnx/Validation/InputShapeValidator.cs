using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx.Validation;

/// <summary>A graph input's fixed dims multiply (checked) to at most <see cref="OnnxLimits.MaxInputElements"/>: callers allocate it.</summary>
internal static class InputShapeValidator
{
    public static void Check(ValueInfo input)
    {
        long count = 1;
        foreach (var d in input.Dims)
        {
            if (d <= 0) continue; // symbolic or empty: the caller picks the size
            if (count > OnnxLimits.MaxInputElements / d)
                throw new ModelFormatException($"graph input '{OnnxFormat.Printable(input.Name)}': dims [{string.Join(",", input.Dims)}] declare more than {OnnxLimits.MaxInputElements} elements");
            count *= d;
        }
    }
}
