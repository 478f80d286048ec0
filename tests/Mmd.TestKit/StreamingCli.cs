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

    /// <summary>The next <paramref name="count"/> non-empty lines.</summary>
    public Task<IReadOnlyList<string>> ReadLinesAsync(int count) => ReadAsync(lines => lines.Count == count, skipEmpty: true);

    /// <summary>Lines as they come, up to and including the first that <paramref name="last"/> matches.</summary>
    public Task<IReadOnlyList<string>> ReadUntilAsync(Func<string, bool> last) => ReadAsync(lines => lines.Count > 0 && last(lines[^1]), skipEmpty: false);

    /// <summary>The next line it writes to stderr (what it says of itself, apart from its output).</summary>
    public async Task<string> ReadErrorLineAsync()
    {
        using var cts = new CancellationTokenSource(TaskExtensions.Timeout);
        return await _process.StandardError.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("the command ended");
    }

    private async Task<IReadOnlyList<string>> ReadAsync(Func<List<string>, bool> done, bool skipEmpty)
    {
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(TaskExtensions.Timeout);
        while (!done(lines))
        {
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException($"the command ended after {lines.Count} lines: {await _process.StandardError.ReadToEndAsync(cts.Token)}");
            if (!skipEmpty || line.Length > 0) lines.Add(line);
        }
        return lines;
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
