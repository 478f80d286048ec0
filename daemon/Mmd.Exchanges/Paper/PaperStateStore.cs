using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Mmd.Exchanges.Paper;

/// <summary>
/// The venue's files in its folder: <c>ACCOUNT.json</c>, the snapshot of what changes in place, replaced atomically
/// (write a temporary file, then rename); and <c>ACCOUNT.history.N.jsonl</c>, an append-only log of what never changes
/// once written (terminal orders, fills, funding). A save appends the new history and syncs it, then writes the
/// snapshot with the log's new length: so a save costs what changed, not the whole history, and a crash between the
/// two leaves a log tail that no snapshot covers, cut off at the next open. Once the log has grown well past what the
/// venue keeps, it is compacted into the next generation. The folder is held with an exclusive lock for the life of
/// the process: two processes on one paper account would otherwise overwrite each other.
/// </summary>
internal sealed class PaperStateStore : IDisposable
{
    private readonly string _directory;
    private readonly string _account;
    private readonly string _path;
    private readonly FileStream _lock;
    private readonly int _compactAfterLines;
    private FileStream? _history;
    private int _generation;
    private long _appendedSinceCompaction;

    private PaperStateStore(string directory, string account, FileStream lockFile, int compactAfterLines)
    {
        _directory = directory;
        _account = account;
        _path = System.IO.Path.Combine(directory, account + ".json");
        _lock = lockFile;
        _compactAfterLines = compactAfterLines;
    }

    public string Path => _path;

    /// <param name="compactAfterLines">History lines appended after which the log is written whole again.</param>
    public static PaperStateStore Open(string directory, string account, int compactAfterLines)
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
        return new PaperStateStore(directory, account, lockFile, compactAfterLines);
    }

    /// <summary>
    /// The saved state (its open orders) and the history it covers, in the order it was written; null when there is
    /// none. A version-1 file's history, kept in the snapshot itself, comes back the same way.
    /// </summary>
    public (PaperState State, IReadOnlyList<HistoryRecord> History)? Load()
    {
        if (!File.Exists(_path)) return null;
        PaperState state;
        using (var stream = File.OpenRead(_path))
        {
            try
            {
                state = JsonSerializer.Deserialize(stream, PaperStateJson.Default.PaperState) ?? throw new InvalidDataException($"paper state file {_path} is empty");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"paper state file {_path}: {ex.Message}", ex); // which file, for the run's exit reason
            }
        }
        if (state.Version is < 1 or > PaperState.CurrentVersion)
            throw new InvalidDataException($"paper state file {_path} has unsupported version {state.Version}");
        if (state.Version == 1 || state.History is null) return SplitVersion1(state);

        var file = System.IO.Path.Combine(_directory, state.History.File);
        if (System.IO.Path.GetFileName(file) != state.History.File || !TryGeneration(state.History.File, out var generation))
            throw new InvalidDataException($"paper state file {_path} points at history '{state.History.File}', not a history file of '{_account}'");
        var history = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            if (history.Length < state.History.Length)
                throw new InvalidDataException($"paper history file {file} holds {history.Length} bytes; its state covers {state.History.Length}");
            history.SetLength(state.History.Length); // a tail no snapshot covers was never committed
            var records = new List<HistoryRecord>();
            var bytes = new byte[state.History.Length];
            history.ReadExactly(bytes);
            var lineNumber = 0;
            foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                lineNumber++;
                try
                {
                    records.Add(JsonSerializer.Deserialize(line, PaperStateJson.Default.HistoryRecord)
                        ?? throw new InvalidDataException($"paper history file {file} line {lineNumber} is empty"));
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"paper history file {file} line {lineNumber}: {ex.Message}", ex);
                }
            }
            _history = history;
            _generation = generation;
            DeleteOtherGenerations();
            return (state, records);
        }
        catch
        {
            history.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends the new history (synced), then replaces the snapshot, which takes in what was appended. The first save
    /// after opening without a log, and one that would take the log past its limit, write <paramref name="kept"/> whole
    /// into the next generation instead.
    /// </summary>
    public void Save(PaperState state, IReadOnlyList<HistoryRecord> appended, Func<IEnumerable<HistoryRecord>> kept)
    {
        if (_history is null || _appendedSinceCompaction + appended.Count > _compactAfterLines)
        {
            Compact(state, kept());
            return;
        }
        var committed = _history.Position;
        try
        {
            if (appended.Count > 0)
            {
                using (var writer = new StreamWriter(_history, Utf8, leaveOpen: true))
                    foreach (var record in appended) WriteLine(writer, record);
                _history.Flush(flushToDisk: true);
            }
            WriteSnapshot(state with { History = new HistoryPointer(HistoryFileName(_generation), _history.Position) });
        }
        catch
        {
            // Nothing of a failed save is kept: the caller saves the same history again with the next change.
            _history.SetLength(committed);
            _history.Position = committed;
            throw;
        }
        _appendedSinceCompaction += appended.Count;
    }

    /// <summary>Writes the whole history kept into the next generation of the log, then the snapshot that points at it.</summary>
    private void Compact(PaperState state, IEnumerable<HistoryRecord> kept)
    {
        var generation = _generation + 1;
        var file = System.IO.Path.Combine(_directory, HistoryFileName(generation));
        var history = new FileStream(file, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            using (var writer = new StreamWriter(history, Utf8, leaveOpen: true))
                foreach (var record in kept) WriteLine(writer, record);
            history.Flush(flushToDisk: true);
            WriteSnapshot(state with { History = new HistoryPointer(HistoryFileName(generation), history.Position) });
        }
        catch
        {
            history.Dispose();
            File.Delete(file);
            throw;
        }
        _history?.Dispose();
        _history = history;
        _generation = generation;
        _appendedSinceCompaction = 0;
        DeleteOtherGenerations();
    }

    public void Dispose()
    {
        // A full disk cannot take the history's buffered tail: the log keeps what it synced, which the snapshot points at.
        try { _history?.Dispose(); }
        catch (IOException) { }
        _lock.Dispose();
    }

    // Version 1 kept every order the venue remembered, its fills and funding in the snapshot: the ended orders, fills
    // and funding are its history, replayed like a log's.
    private static (PaperState, IReadOnlyList<HistoryRecord>) SplitVersion1(PaperState state)
    {
        var history = state.Orders.Where(o => !IsOpen(o)).Select(o => new HistoryRecord(Order: o))
            .Concat(state.Fills.SelectMany(a => a.Value.Select(f => new HistoryRecord(Account: a.Key, Fill: f))))
            .Concat(state.Funding.SelectMany(a => a.Value.Select(p => new HistoryRecord(Account: a.Key, Funding: p))))
            .ToList();
        return (state with { Orders = state.Orders.Where(IsOpen).ToList(), Fills = [], Funding = [] }, history);
    }

    private static bool IsOpen(OrderState o) => o.Status is Trading.Execution.VenueOrderStatus.Open or Trading.Execution.VenueOrderStatus.PartiallyFilled;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static void WriteLine(StreamWriter writer, HistoryRecord record)
    {
        writer.Write(JsonSerializer.Serialize(record, PaperStateJson.Default.HistoryRecord));
        writer.Write('\n');
    }

    private void WriteSnapshot(PaperState state)
    {
        var temporary = _path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, PaperStateJson.Default.PaperState);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, _path, overwrite: true);
    }

    private string HistoryFileName(int generation) => _account + ".history." + generation.ToString(CultureInfo.InvariantCulture) + ".jsonl";

    private bool TryGeneration(string fileName, out int generation)
    {
        generation = 0;
        var prefix = _account + ".history.";
        return fileName.StartsWith(prefix, StringComparison.Ordinal) && fileName.EndsWith(".jsonl", StringComparison.Ordinal)
            && int.TryParse(fileName.AsSpan(prefix.Length, fileName.Length - prefix.Length - ".jsonl".Length), NumberStyles.None, CultureInfo.InvariantCulture, out generation);
    }

    // Generations no snapshot points at: the one a compaction replaced, or one a crash left half written.
    private void DeleteOtherGenerations()
    {
        foreach (var file in Directory.EnumerateFiles(_directory, _account + ".history.*.jsonl"))
        {
            var name = System.IO.Path.GetFileName(file);
            if (TryGeneration(name, out var generation) && generation != _generation) File.Delete(file);
        }
    }
}
