using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace AdmmNn.Build.Tasks;

/// <summary>
/// Runs the admmnn tool as a child process, streaming its stdout and stderr line by line to a callback, and killing it
/// when the build is cancelled. A path ending in <c>.dll</c> runs through the dotnet host MSBuild itself runs on.
/// </summary>
internal sealed class ToolProcess
{
    private readonly string _tool;
    private readonly string _workingDirectory;
    private readonly IDictionary<string, string> _environment;

    /// <summary>Describes how to start the tool.</summary>
    public ToolProcess(string tool, string workingDirectory, IDictionary<string, string> environment)
    {
        _tool = tool;
        _workingDirectory = workingDirectory;
        _environment = environment;
    }

    /// <summary>The executable started and the arguments that precede the verb (the tool's dll for a dotnet host).</summary>
    public (string FileName, List<string> Prefix) Resolve()
    {
        if (!_tool.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) return (_tool, new List<string>());
        // DOTNET_HOST_PATH is set by the .NET SDK for tasks: the same dotnet that runs the build.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (string.IsNullOrEmpty(host) || !File.Exists(host)) host = "dotnet";
        return (host!, new List<string> { "exec", _tool });
    }

    /// <summary>Runs the tool with <paramref name="arguments"/> and returns its exit code; -1 when cancelled.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The executable could not be started.</exception>
    public int Run(IEnumerable<string> arguments, Action<string, bool> onLine, CancellationToken cancellation)
    {
        var (fileName, all) = Resolve();
        all.AddRange(arguments);
        var start = new ProcessStartInfo(fileName, CommandLineQuoting.Join(all))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            CreateNoWindow = true,
            WorkingDirectory = _workingDirectory,
        };
        foreach (var pair in _environment) start.Environment[pair.Key] = pair.Value;

        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        using var outputDone = new ManualResetEventSlim(false);
        using var errorDone = new ManualResetEventSlim(false);
        process.OutputDataReceived += (_, e) => { if (e.Data is null) outputDone.Set(); else onLine(e.Data, false); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is null) errorDone.Set(); else onLine(e.Data, true); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancellation.Register(() => Kill(process)))
        {
            // Poll rather than WaitForExit(): the no-argument form also waits for the pipes to close, which a killed
            // tool's orphaned children could hold open for as long as they live.
            while (!process.WaitForExit(100))
            {
            }
            // The stream callbacks end with a null line; wait for both so no output is lost, briefly after a kill.
            var drain = cancellation.IsCancellationRequested ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(10);
            outputDone.Wait(drain);
            errorDone.Wait(drain);
        }
        return cancellation.IsCancellationRequested ? -1 : process.ExitCode;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited between the check and the kill.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting: the OS refused the kill of a dying process.
        }
    }
}
