using System.Buffers.Binary;
using AdmmNn.Runtime.Format;
using AdmmNn.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace AdmmNn.Runtime.Tests.Format;

/// <summary>
/// Seeded mutation fuzzing of the loader: truncations, bit flips, byte overwrites and header edits, half of them with the
/// checksum recomputed so the parser itself is exercised. Only <see cref="InvalidModelException"/> may escape, and no load may
/// allocate more than the documented per-file-byte bound.
/// </summary>
public sealed class PackedReaderFuzzTests(ITestOutputHelper output)
{
    // ADMMNN_FUZZ_ITERATIONS / ADMMNN_FUZZ_SEED run a longer or different campaign locally; CI uses the defaults.
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("ADMMNN_FUZZ_ITERATIONS"), out var n) ? n : 4000;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("ADMMNN_FUZZ_SEED"), out var s) ? s : 20261123;

    // A file may declare MaxElementsPerFileByte elements per byte (4 bytes each), decoded once and copied once into
    // kernel form (CSR or transposed dense): 3 x 4 bytes per element, plus fixed overhead.
    private static long AllowedBytes(int fileLength) => 3 * 4 * PackedFormat.MaxElementsPerFileByte * fileLength + (1 << 20);

    [Fact]
    public void Mutated_files_fail_only_with_InvalidModelException_and_bounded_allocation()
    {
        var seeds = new[]
        {
            EngineReference.Pack(TestGraphs.TinyConvNet(1, keep: 0.3)),
            EngineReference.Pack(TestGraphs.TinyConvNet(2, keep: 1.0, quantize: false)),
            EngineReference.Pack(TestGraphs.TinyConvNet(3, keep: 0.02)),
        };
        // The Rice decoder (format version 2) is among what the mutations reach.
        Assert.Contains(seeds, s => BinaryPrimitives.ReadUInt16LittleEndian(s.AsSpan(8)) == PackedFormat.RiceVersion);
        var rng = new Random(Seed);
        int rejected = 0, loaded = 0;
        long worstRatio = 0;
        for (int i = 0; i < Iterations; i++)
        {
            var original = seeds[i % seeds.Length];
            var (bytes, how) = Mutate(original, rng);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var model = CompressedModel.Load(bytes);
                loaded++;
                // A file that loads must also run.
                model.Predict(new float[model.InputSize]);
            }
            catch (InvalidModelException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {i} ({how}): {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            worstRatio = Math.Max(worstRatio, allocated / Math.Max(1, bytes.Length));
            Assert.True(allocated <= AllowedBytes(bytes.Length), $"iteration {i} ({how}): allocated {allocated} bytes for a {bytes.Length}-byte file");
        }
        output.WriteLine($"{rejected} rejected, {loaded} loaded, worst allocation {worstRatio} bytes per file byte");
        Assert.True(rejected > Iterations / 2, $"only {rejected} of {Iterations} mutations were rejected");
    }

    private static (byte[] Bytes, string How) Mutate(byte[] original, Random rng)
    {
        var bytes = (byte[])original.Clone();
        bool fixCrc = rng.Next(2) == 0;
        string how;
        switch (rng.Next(5))
        {
            case 0:
                int length = rng.Next(bytes.Length);
                bytes = bytes[..length];
                how = $"truncate to {length}";
                fixCrc = fixCrc && length >= 28;
                if (fixCrc) FixLengths(bytes);
                break;
            case 1:
                int flips = rng.Next(1, 5);
                for (int f = 0; f < flips; f++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                how = $"{flips} bit flips";
                break;
            case 2:
                int at = rng.Next(24, bytes.Length);
                bytes[at] = (byte)rng.Next(256);
                how = $"byte {at} overwritten";
                break;
            case 3:
                int field = rng.Next(3);
                int offset = field switch { 0 => 12, 1 => 16, _ => 8 };
                bytes[offset + rng.Next(field == 1 ? 8 : 4)] = (byte)rng.Next(256);
                how = $"header field at {offset}";
                break;
            default:
                // A varint-heavy region: overwrite a run of bytes with large values.
                int start = rng.Next(24, bytes.Length - 1);
                int run = rng.Next(1, 6);
                for (int k = start; k < Math.Min(bytes.Length, start + run); k++) bytes[k] = (byte)(0x80 | rng.Next(256));
                how = $"{run} bytes at {start} set high";
                break;
        }
        if (fixCrc && bytes.Length >= 28)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)));
            how += " (crc fixed)";
        }
        return (bytes, how);
    }

    // Make a truncated file's header consistent with its new length so the parser reaches the cut.
    private static void FixLengths(byte[] bytes)
    {
        uint graph = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        long available = bytes.Length - 28;
        if (graph > available) graph = (uint)available;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), graph);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), (ulong)(available - graph));
    }
}
