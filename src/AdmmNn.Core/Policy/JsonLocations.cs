using System.Text;
using System.Text.Json;

namespace AdmmNn.Core.Policy;

/// <summary>
/// Maps every JSON path in a document (<c>layers[1].prune.keep</c>) to the 1-based line where it appears, because
/// System.Text.Json's DOM does not keep positions and errors must point at a line.
/// </summary>
public sealed class JsonLocations
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="utf8"/> (which must be valid JSON; comments and trailing commas allowed).</summary>
    public JsonLocations(ReadOnlySpan<byte> utf8)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++) if (utf8[i] == (byte)'\n') lineStarts.Add(i + 1);
        int LineOf(long offset)
        {
            var idx = lineStarts.BinarySearch((int)offset);
            return (idx >= 0 ? idx : ~idx - 1) + 1;
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var frames = new Stack<(string Path, bool IsArray, int Count)>();
        // Keys seen in each open object (by object path), to catch a key given twice in one object.
        var keys = new Stack<Dictionary<string, int>>();
        string? pending = null;
        while (reader.Read())
        {
            var line = LineOf(reader.TokenStartIndex);
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var parent = frames.Count == 0 ? "" : frames.Peek().Path;
                    var key = reader.GetString()!;
                    pending = parent.Length == 0 ? key : parent + "." + key;
                    if (keys.Count > 0 && !keys.Peek().TryAdd(key, line))
                        FirstDuplicate ??= new DuplicateKey(pending, key, line, keys.Peek()[key]);
                    else _lines[pending] = line;
                    break;
                case JsonTokenType.EndObject:
                    keys.Pop();
                    frames.Pop();
                    break;
                case JsonTokenType.EndArray:
                    frames.Pop();
                    break;
                default:
                    string path;
                    if (pending is not null)
                    {
                        path = pending;
                        pending = null;
                    }
                    else if (frames.Count > 0 && frames.Peek().IsArray)
                    {
                        var top = frames.Pop();
                        path = $"{top.Path}[{top.Count}]";
                        frames.Push(top with { Count = top.Count + 1 });
                        _lines[path] = line;
                    }
                    else
                    {
                        path = "";
                        _lines[path] = line;
                    }
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        frames.Push((path, reader.TokenType == JsonTokenType.StartArray, 0));
                    if (reader.TokenType == JsonTokenType.StartObject) keys.Push(new Dictionary<string, int>(StringComparer.Ordinal));
                    break;
            }
        }
    }

    /// <summary>The first key given twice in one object, in document order; null when every key is unique.</summary>
    public DuplicateKey? FirstDuplicate { get; private set; }

    /// <summary>A key repeated in one object.</summary>
    /// <param name="Path">JSON path of the repeat, e.g. <c>layers[0].prune.keep</c>.</param>
    /// <param name="Key">The key.</param>
    /// <param name="Line">1-based line of the repeat.</param>
    /// <param name="FirstLine">1-based line where the key first appears.</param>
    public sealed record DuplicateKey(string Path, string Key, int Line, int FirstLine);

    /// <summary>The line of <paramref name="path"/>, or of its nearest ancestor that appears; 1 when none does.</summary>
    public int LineOf(string path)
    {
        while (true)
        {
            if (_lines.TryGetValue(path, out var line)) return line;
            if (path.Length == 0) return 1;
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut < 0 ? "" : path[..cut];
        }
    }

    /// <summary>Indexes a string.</summary>
    public static JsonLocations Of(string json) => new(Encoding.UTF8.GetBytes(json));
}
