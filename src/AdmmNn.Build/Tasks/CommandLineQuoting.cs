using System.Collections.Generic;
using System.Text;

namespace AdmmNn.Build.Tasks;

/// <summary>
/// Joins arguments into one command-line string (netstandard2.0 has no ProcessStartInfo.ArgumentList).
/// Follows the rules .NET itself uses to split the string again on every OS.
/// </summary>
internal static class CommandLineQuoting
{
    /// <summary>Quotes each argument as needed and joins them with spaces.</summary>
    public static string Join(IEnumerable<string> arguments)
    {
        var builder = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (builder.Length > 0) builder.Append(' ');
            Append(builder, argument);
        }
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '"' }) < 0)
        {
            builder.Append(argument);
            return;
        }
        builder.Append('"');
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            // Backslashes are literal unless they precede a quote: then each must be doubled.
            builder.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes);
            backslashes = 0;
            builder.Append(c);
        }
        builder.Append('\\', backslashes * 2);
        builder.Append('"');
    }
}
