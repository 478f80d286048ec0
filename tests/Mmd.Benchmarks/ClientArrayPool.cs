using System.Diagnostics;

namespace Mmd.Benchmarks;

/// <summary>
/// Room in the bench client's shared ArrayPool for a thousand watch streams. HttpClient rents a 16 KB receive block
/// for an HTTP/2 stream while a message waits there to be read, and returns it once read; the shared pool keeps 32
/// arrays of a size per core by default, so a publish that reached a thousand streams at once allocated a fresh block
/// for most of them (8.7 KB per message delivered) and the client's GC pauses (about 2.4 s in 20 s) went into the
/// delivery figure. The pool reads its size from the environment once, at first use, so the bench runs itself again
/// with the variable set. The daemon it starts is given the runtime's defaults (<see cref="Mmd.TestKit.MmdProcess"/>).
/// </summary>
public static class ClientArrayPool
{
    private const string Variable = Mmd.TestKit.MmdProcess.SharedArrayPoolSizeVariable;
    private const string ArraysPerCore = "1024";

    /// <summary>What this process's pool keeps, for the report.</summary>
    public static string Describe() => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        ? $"{Variable}={value}"
        : "the runtime's default shared ArrayPool";

    /// <summary>The exit code of the bench run again with room in its pool, or null when this run already has it (or was given a size).</summary>
    public static async Task<int?> RerunWithRoomAsync(string[] args)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }) return null;
        var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        // `dotnet Mmd.Benchmarks.dll ...` names the dll first; the apphost does not.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") info.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment[Variable] = ArraysPerCore;
        using var child = Process.Start(info)!;
        await child.WaitForExitAsync();
        return child.ExitCode;
    }
}
