namespace AdmmNn.PluginHost.Discovery;

/// <summary>Where a plugin was found; shown by <c>admmnn plugins</c>.</summary>
public enum PluginSource
{
    /// <summary>Compiled into the host and registered in-process (e.g. the ONNX format in the CLI).</summary>
    BuiltIn,

    /// <summary>The <c>plugins/</c> folder beside the tool (the bundled hardware targets ship there).</summary>
    ToolFolder,

    /// <summary>A path listed in the <c>ADMMNN_PLUGIN_PATH</c> environment variable.</summary>
    EnvironmentVariable,

    /// <summary>A <c>--plugin PATH</c> option.</summary>
    CommandLine,
}
