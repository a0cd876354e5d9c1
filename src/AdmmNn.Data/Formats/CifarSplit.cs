using AdmmNn.Abstractions.Datasets;
using Microsoft.Win32.SafeHandles;

namespace AdmmNn.Data.Formats;

/// <summary>
/// A split made of CIFAR binary batch files: records of <c>labelBytes</c> label byte(s) (CIFAR-10: 1; CIFAR-100: coarse,
/// fine) then 3×32×32 pixels, channel-planar. Labels are read on open; pixels by positional reads when asked.
/// </summary>
internal sealed class CifarSplit : IDatasetSplit, IDisposable
{
    private const int Pixels = 3 * 32 * 32;
    private readonly (string Path, SafeFileHandle Handle, int Count)[] _files;
    private readonly int _labelBytes;
    private readonly int[] _labels;

    public CifarSplit(string name, IReadOnlyList<string> files, int labelBytes, int classCount)
    {
        Name = name;
        _labelBytes = labelBytes;
        var record = labelBytes + Pixels;
        var opened = new List<(string, SafeFileHandle, int)>();
        var labels = new List<int>();
        try
        {
            foreach (var path in files)
            {
                var bytes = File.ReadAllBytes(path);
                if (bytes.Length == 0 || bytes.Length % record != 0)
                    throw new DatasetFormatException(path, $"{bytes.Length:N0} bytes is not a whole number of {record}-byte records ({labelBytes} label byte(s) + 3x32x32 pixels): truncated or not a CIFAR batch");
                var count = bytes.Length / record;
                for (var i = 0; i < count; i++)
                {
                    int label = bytes[i * record + labelBytes - 1];
                    if (label >= classCount)
                        throw new DatasetFormatException(path, $"label {label} is out of range: {(labelBytes == 1 ? "CIFAR-10" : "CIFAR-100")} has labels 0..{classCount - 1}", i);
                    labels.Add(label);
                }

                opened.Add((path, File.OpenHandle(path), count));
            }
        }
        catch
        {
            foreach (var f in opened) f.Item2.Dispose();
            throw;
        }

        _files = opened.ToArray();
        _labels = labels.ToArray();
        Count = _labels.Length;
    }

    public string Name { get; }

    public int Count { get; }

    public SampleShape? Shape => new SampleShape(32, 32, 3);

    public int LabelOf(int index) => _labels[index];

    public DatasetSample Read(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var local = index;
        var file = 0;
        while (local >= _files[file].Count) local -= _files[file++].Count;
        var (path, handle, _) = _files[file];
        var planar = new byte[Pixels];
        var got = RandomAccess.Read(handle, planar, (long)local * (_labelBytes + Pixels) + _labelBytes);
        if (got < Pixels) throw new DatasetFormatException(path, "file shrank while being read", local);
        var hwc = new byte[Pixels];
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < 1024; i++) hwc[i * 3 + c] = planar[c * 1024 + i];
        return new DatasetSample(new SampleShape(32, 32, 3), hwc, _labels[index], $"{path}[{local}]");
    }

    public void Dispose()
    {
        foreach (var f in _files) f.Handle.Dispose();
    }
}
