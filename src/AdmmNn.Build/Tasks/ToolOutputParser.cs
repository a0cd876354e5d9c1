using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AdmmNn.Build.Tasks;

/// <summary>
/// Classifies the admmnn tool's output lines. Understands MSBuild's canonical form
/// (<c>file(line,col): error ADMMNN011: text</c>) and the CLI's plain <c>error: text</c> / <c>warning: text</c> lines,
/// from which it recovers a location (<c>file(3,5)</c>, <c>file:3:5</c>, <c>line 3</c>, or System.Text.Json's
/// <c>LineNumber: 2 | BytePositionInLine: 4</c>) and picks a code by what the message is about.
/// Pure: no I/O, so it is tested on strings.
/// </summary>
internal sealed class ToolOutputParser
{
    private static readonly Regex Canonical = new(
        @"^\s*(?:(?<origin>[^:]*?)\s*:\s*)?(?<category>error|warning)\s+(?<code>[A-Za-z]+[0-9]+)\s*:\s*(?<text>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex Plain = new(
        @"^\s*(?<category>error|warning|internal error)\s*:\s*(?<text>.*)$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static readonly Regex OriginWithPosition = new(
        @"^(?<file>.*?)\((?<line>[0-9]+)(?:,(?<column>[0-9]+))?(?:,[0-9]+,[0-9]+)?\)$", RegexOptions.CultureInvariant);

    private static readonly Regex ParenthesizedPosition = new(
        @"(?<file>[^\s'""()]+)\((?<line>[0-9]+)(?:,(?<column>[0-9]+))?\)", RegexOptions.CultureInvariant);

    private static readonly Regex ColonPosition = new(
        @"(?<file>[^\s'""():]+\.[A-Za-z0-9]+):(?<line>[0-9]+)(?::(?<column>[0-9]+))?", RegexOptions.CultureInvariant);

    private static readonly Regex JsonPosition = new(
        @"LineNumber:\s*(?<line>[0-9]+)\s*\|\s*BytePositionInLine:\s*(?<column>[0-9]+)", RegexOptions.CultureInvariant);

    private static readonly Regex WordPosition = new(
        @"\bline\s+(?<line>[0-9]+)(?:\s*,?\s*(?:column|col|position)\s+(?<column>[0-9]+))?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private readonly string? _policyFile;
    private readonly string? _modelFile;

    /// <summary>Creates a parser; the files are where a location-only message (\"line 4\") points.</summary>
    public ToolOutputParser(string? policyFile, string? modelFile)
    {
        _policyFile = string.IsNullOrEmpty(policyFile) ? null : policyFile;
        _modelFile = string.IsNullOrEmpty(modelFile) ? null : modelFile;
    }

    /// <summary>Classifies one line.</summary>
    public ToolDiagnostic Parse(string line)
    {
        var canonical = Canonical.Match(line);
        if (canonical.Success)
        {
            var kind = KindOf(canonical.Groups["category"].Value);
            var text = canonical.Groups["text"].Value.Trim();
            var code = canonical.Groups["code"].Value.ToUpperInvariant();
            var origin = canonical.Groups["origin"].Value.Trim();
            if (origin.Length == 0) return WithLocationFromText(kind, code, text);
            var position = OriginWithPosition.Match(origin);
            return position.Success
                ? new ToolDiagnostic(kind, code, position.Groups["file"].Value, Number(position.Groups["line"]), Number(position.Groups["column"]), text)
                : new ToolDiagnostic(kind, code, origin, 0, 0, text);
        }

        var plain = Plain.Match(line);
        if (plain.Success)
        {
            var category = plain.Groups["category"].Value;
            var text = plain.Groups["text"].Value.Trim();
            if (category.StartsWith("internal", StringComparison.OrdinalIgnoreCase))
                return new ToolDiagnostic(ToolLineKind.Error, DiagnosticCodes.ToolFailed, null, 0, 0, "admmnn failed: " + text);
            var kind = KindOf(category);
            return WithLocationFromText(kind, kind == ToolLineKind.Warning ? DiagnosticCodes.ToolWarning : CodeFor(text), text);
        }

        return new ToolDiagnostic(ToolLineKind.Message, null, null, 0, 0, line);
    }

    private ToolDiagnostic WithLocationFromText(ToolLineKind kind, string code, string text)
    {
        var parenthesized = ParenthesizedPosition.Match(text);
        if (parenthesized.Success)
            return new ToolDiagnostic(kind, code, parenthesized.Groups["file"].Value, Number(parenthesized.Groups["line"]), Number(parenthesized.Groups["column"]), text);
        var colon = ColonPosition.Match(text);
        if (colon.Success)
            return new ToolDiagnostic(kind, code, colon.Groups["file"].Value, Number(colon.Groups["line"]), Number(colon.Groups["column"]), text);
        var json = JsonPosition.Match(text);
        if (json.Success) // System.Text.Json counts lines and bytes from 0.
            return new ToolDiagnostic(kind, code, DefaultFileFor(code), Number(json.Groups["line"]) + 1, Number(json.Groups["column"]) + 1, text);
        var words = WordPosition.Match(text);
        if (words.Success)
            return new ToolDiagnostic(kind, code, DefaultFileFor(code), Number(words.Groups["line"]), Number(words.Groups["column"]), text);
        return new ToolDiagnostic(kind, code, DefaultFileFor(code), 0, 0, text);
    }

    private string? DefaultFileFor(string code) => code switch
    {
        DiagnosticCodes.Policy => _policyFile,
        DiagnosticCodes.Model => _modelFile,
        _ => null,
    };

    /// <summary>Picks the code for a plain error line by what it talks about.</summary>
    internal string CodeFor(string text)
    {
        var lower = text.ToLowerInvariant();
        if (lower.StartsWith("gate ", StringComparison.Ordinal) || lower.Contains(" gate "))
            return DiagnosticCodes.AccuracyGate;
        if (lower.Contains("policy") || (_policyFile != null && text.Contains(System.IO.Path.GetFileName(_policyFile))))
            return DiagnosticCodes.Policy;
        if (lower.Contains("dataset") || lower.Contains("data set") || lower.Contains("idx"))
            return DiagnosticCodes.Data;
        if (lower.Contains("model") || lower.Contains("onnx") || (_modelFile != null && text.Contains(System.IO.Path.GetFileName(_modelFile))))
            return DiagnosticCodes.Model;
        return DiagnosticCodes.BadInput;
    }

    private static ToolLineKind KindOf(string category) =>
        category.Equals("warning", StringComparison.OrdinalIgnoreCase) ? ToolLineKind.Warning : ToolLineKind.Error;

    private static int Number(Group group) =>
        group.Success && int.TryParse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
