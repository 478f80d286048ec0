using System.Diagnostics;

namespace Mmd.TestKit;

/// <summary>A long-running CLI (mmctl watch) whose stdout lines are read as they come; killed on dispose.</summary>
public sealed class StreamingCli : IDisposable
{
    private readonly Process _process;

    public StreamingCli(string dll, IEnumerable<string> args, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        _process = Process.Start(info)!;
    }

    public async Task<IReadOnlyList<string>> ReadLinesAsync(int count)
    {
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(TaskExtensions.Timeout);
        while (lines.Count < count)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException($"the command ended after {lines.Count} lines: {await _process.StandardError.ReadToEndAsync(cts.Token)}");
            if (line.Length > 0) lines.Add(line);
        }
        return lines;
    }

    /// <summary>Lines as they come, up to and including the first that <paramref name="last"/> matches.</summary>
    public async Task<IReadOnlyList<string>> ReadUntilAsync(Func<string, bool> last)
    {
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(TaskExtensions.Timeout);
        while (lines.Count == 0 || !last(lines[^1]))
            lines.Add(await _process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException($"the command ended after {lines.Count} lines: {await _process.StandardError.ReadToEndAsync(cts.Token)}"));
        return lines;
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
