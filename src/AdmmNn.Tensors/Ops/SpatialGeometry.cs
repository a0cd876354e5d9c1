namespace AdmmNn.Tensors.Ops;

/// <summary>Output extent and padding of a sliding window along one spatial axis (ONNX Conv/Pool rules).</summary>
internal static class SpatialGeometry
{
    /// <summary>
    /// Output size for an axis of size <paramref name="input"/>. For auto_pad SAME_UPPER/SAME_LOWER the pads are
    /// computed here (the extra pad goes at the end for SAME_UPPER, at the start for SAME_LOWER); for VALID they are 0.
    /// With <paramref name="ceil"/>, a last window that would start inside the end padding only is dropped (as PyTorch and ONNX Runtime do).
    /// </summary>
    public static int Output(int input, int kernel, int stride, int dilation, string autoPad, bool ceil, ref int padBegin, ref int padEnd)
    {
        int effective = dilation * (kernel - 1) + 1;
        switch (autoPad)
        {
            case "SAME_UPPER":
            case "SAME_LOWER":
                {
                    int output = (input + stride - 1) / stride;
                    int total = Math.Max(0, (output - 1) * stride + effective - input);
                    padBegin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                    padEnd = total - padBegin;
                    return output;
                }

            case "VALID":
                padBegin = 0;
                padEnd = 0;
                break;
        }

        int span = input + padBegin + padEnd - effective;
        if (span < 0)
        {
            return 0;
        }

        int result = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (result - 1) * stride >= input + padBegin)
        {
            result--;
        }

        return result;
    }
}
