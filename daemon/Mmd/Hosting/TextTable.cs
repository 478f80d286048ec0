using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mmd.Hosting;

/// <summary>The reading commands' output: plain columns for a terminal, compact JSON lines for a script.</summary>
internal static class TextTable
{
    /// <summary>JSON lines: names as written, absent rather than null.</summary>
    public static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>A decimal as written by hand: no exponent, no trailing zeros.</summary>
    public static string Plain(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>Columns two spaces apart, each as wide as its widest cell, indented under the line above them.</summary>
    public static void Append(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, c) => all.Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
            text.Append("  ").Append(string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c])))).Append('\n');
    }
}
