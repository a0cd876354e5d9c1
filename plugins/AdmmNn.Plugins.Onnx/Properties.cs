using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AdmmNn.Plugins.Onnx.Tests")]
