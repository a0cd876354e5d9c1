using AdmmNn.Shared;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AdmmNn.Plugins.HostCpu;

/// <summary>
/// Measurements kept between runs: dense latency and break-even ratio per layer key. The key carries the timer's
/// fingerprint (CPU and runtime build), so another machine or a rebuilt runtime measures afresh. A corrupt or
/// unreadable file is treated as empty: it is only a cache.
/// </summary>
internal sealed class TimingCache
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Explicit, so the plugin works in hosts that turn reflection-based serialization off by default (trimmed/AOT-style apps).
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    private readonly Dictionary<string, CachedLayerTiming> entries;

    private TimingCache(string? path, Dictionary<string, CachedLayerTiming> entries)
    {
        Path = path;
        this.entries = entries;
    }

    /// <summary>The file, or null for an in-memory cache.</summary>
    public string? Path { get; }

    /// <summary>Entries currently held.</summary>
    public int Count => entries.Count;

    /// <summary>A cache with no file.</summary>
    public static TimingCache InMemory() => new(null, []);

    /// <summary>The cache the profile asks for.</summary>
    public static TimingCache Open(HostCpuProfile profile)
    {
        if (!profile.UseCache) return InMemory();
        return OpenFile(string.IsNullOrWhiteSpace(profile.CachePath) ? DefaultPath() : profile.CachePath);
    }

    /// <summary>Opens (or starts) the cache at <paramref name="path"/>.</summary>
    public static TimingCache OpenFile(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            if (File.Exists(full))
            {
                var read = JsonSerializer.Deserialize<Dictionary<string, CachedLayerTiming>>(File.ReadAllText(full), Options);
                if (read is not null) return new TimingCache(full, read);
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            // Unreadable cache: measure again and overwrite it.
        }
        return new TimingCache(full, []);
    }

    /// <summary><c>$XDG_CACHE_HOME/admmnn/host-cpu-timings.json</c>, else <c>~/.cache/admmnn/…</c>.</summary>
    public static string DefaultPath()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(root))
            root = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return System.IO.Path.Combine(root, "admmnn", "host-cpu-timings.json");
    }

    /// <summary>The entry for <paramref name="key"/>, or null.</summary>
    public CachedLayerTiming? Get(string key) => entries.GetValueOrDefault(key);

    /// <summary>Stores an entry and writes the file (atomically: temp file, then rename). Write failures are ignored.</summary>
    public void Put(string key, CachedLayerTiming value)
    {
        entries[key] = value;
        if (Path is null) return;
        try
        {
            AtomicFile.WriteAllText(Path, JsonSerializer.Serialize(entries, Options), createDirectory: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only home must not stop the analysis; the measurements stay in memory.
        }
    }
}
