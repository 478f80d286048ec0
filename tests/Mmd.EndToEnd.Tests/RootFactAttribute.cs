using Mmd.TestKit;

namespace Mmd.EndToEnd.Tests;

/// <summary>A fact that needs root (to run a client under another uid); skipped, with the reason, for anyone else.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Signals.RunningAsRoot) Skip = "needs root to run a client under another uid";
    }
}
