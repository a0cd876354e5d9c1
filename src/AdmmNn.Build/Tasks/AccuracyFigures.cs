using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Serialization.Json;
using System.Xml;
using System.Xml.Linq;

namespace AdmmNn.Build.Tasks;

/// <summary>
/// The two numbers the accuracy gate needs, read from the tool's report.json (a serialized CompressionResult).
/// Read with the JSON reader netstandard2.0 already has, so the task ships no JSON library next to it.
/// </summary>
internal sealed class AccuracyFigures
{
    private AccuracyFigures(double baseline, double final)
    {
        Baseline = baseline;
        Final = final;
    }

    /// <summary>Accuracy of the uncompressed model, as a fraction.</summary>
    public double Baseline { get; }

    /// <summary>Accuracy after compression, as a fraction.</summary>
    public double Final { get; }

    /// <summary>Baseline minus final.</summary>
    public double Drop => Baseline - Final;

    /// <summary>Reads the figures from <paramref name="reportJson"/>; null when the file or either figure is missing.</summary>
    public static AccuracyFigures? TryRead(string reportJson)
    {
        if (!File.Exists(reportJson)) return null;
        var bytes = File.ReadAllBytes(reportJson);
        XElement root;
        using (var reader = JsonReaderWriterFactory.CreateJsonReader(bytes, XmlDictionaryReaderQuotas.Max))
            root = XElement.Load(reader);
        var baseline = Number(root, "baselineAccuracy", "BaselineAccuracy", "originalAccuracy");
        var final = Number(root, "finalAccuracy", "FinalAccuracy", "compressedAccuracy", "accuracy");
        return baseline is null || final is null ? null : new AccuracyFigures(baseline.Value, final.Value);
    }

    private static double? Number(XElement root, params string[] names)
    {
        foreach (var name in names)
        {
            var element = root.Elements(name).FirstOrDefault();
            if (element != null && double.TryParse(element.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                return value;
        }
        return null;
    }
}
