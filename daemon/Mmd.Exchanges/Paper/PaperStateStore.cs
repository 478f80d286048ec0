using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mmd.Exchanges.Paper;

/// <summary>
/// Reads and writes the venue's state file atomically (write a temporary file, then rename). The
/// folder is held with an exclusive lock for the life of the process: two processes on one paper
/// account would otherwise overwrite each other.
/// </summary>
internal sealed class PaperStateStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly string _path;
    private readonly FileStream _lock;

    private PaperStateStore(string path, FileStream lockFile)
    {
        _path = path;
        _lock = lockFile;
    }

    public string Path => _path;

    public static PaperStateStore Open(string directory, string account)
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, account + ".json");
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"paper account '{account}' is in use by another process ({path}.lock)", ex);
        }
        return new PaperStateStore(path, lockFile);
    }

    public PaperState? Load()
    {
        if (!File.Exists(_path)) return null;
        using var stream = File.OpenRead(_path);
        var state = JsonSerializer.Deserialize<PaperState>(stream, Json)
            ?? throw new InvalidDataException($"paper state file {_path} is empty");
        if (state.Version != 1) throw new InvalidDataException($"paper state file {_path} has unsupported version {state.Version}");
        return state;
    }

    public void Save(PaperState state)
    {
        var temporary = _path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, _path, overwrite: true);
    }

    public void Dispose() => _lock.Dispose();
}
