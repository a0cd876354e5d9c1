using System.Diagnostics;

namespace AdmmNn.Reports.Tests;

/// <summary>Debian's chromium in headless mode (installed by the set-up script: apt-get install chromium).</summary>
public static class Chromium
{
    /// <summary>Path of the browser, or null when it is not installed.</summary>
    public static string? Find() =>
        new[] { Environment.GetEnvironmentVariable("ADMMNN_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    /// <summary>Runs chromium headless with <paramref name="arguments"/> plus the URL; returns exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Output, string Error) Run(string url, params string[] arguments)
    {
        var start = new ProcessStartInfo(Find() ?? throw new InvalidOperationException("chromium is not installed"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars" }.Concat(arguments))
            start.ArgumentList.Add(a);
        start.ArgumentList.Add(url);
        start.Environment["HOME"] = Path.Combine(Path.GetTempPath(), "admmnn-chromium-home");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in 60 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}
