namespace Mmd.Emulators.Faults;

/// <summary>The faults scripted for an emulator, and the log of every request it received with its arrival time (for pacing checks and latency).</summary>
public sealed class FaultPlan
{
    private readonly Lock _gate = new();
    private readonly List<(Fault Fault, int Left)> _faults = [];
    private readonly List<(DateTimeOffset At, string Method, string Path, int Status)> _requests = [];

    public void Add(Fault fault)
    {
        lock (_gate) _faults.Add((fault, fault.Count));
    }

    public void Clear()
    {
        lock (_gate) _faults.Clear();
    }

    /// <summary>The fault the next matching request meets, consuming one of its uses; null for none.</summary>
    public Fault? Take(string method, string path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var (fault, left) = _faults[i];
                if (fault.Method is not null && !string.Equals(fault.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
                if (fault.Path is not null && fault.Path != path) continue;
                if (left <= 1) _faults.RemoveAt(i);
                else _faults[i] = (fault, left - 1);
                return fault;
            }
            return null;
        }
    }

    /// <summary>Uses of scripted faults no request has met yet: 0 once the last one was taken.</summary>
    public int Pending
    {
        get
        {
            lock (_gate) return _faults.Sum(f => f.Left);
        }
    }

    public void Record(DateTimeOffset at, string method, string path, int status)
    {
        lock (_gate) _requests.Add((at, method, path, status));
    }

    public IReadOnlyList<(DateTimeOffset At, string Method, string Path, int Status)> Requests
    {
        get
        {
            lock (_gate) return _requests.ToList();
        }
    }
}
