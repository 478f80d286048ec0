using Mmd.Exchanges.Backpack;
using Mmd.Exchanges.Paper;
using Mmd.Specs;

namespace Mmd.Worker;

/// <summary>
/// What a venue's connector takes from an instance: its name (numeric client ids are numbered under it), the paper
/// market, Backpack's tag and margin flags, how Aster is signed for, and the dead-man's switches.
/// </summary>
/// <param name="ReadOnly">A look at the account (<c>mmd account</c>), never a run: no dead-man's switch is armed or
/// turned off (a running instance's would be), and the paper market's clock does not start (no resting order fills).</param>
public sealed record VenueSettings(string InstanceName, PaperSettings Paper, BackpackMarginFlags BackpackMarginFlags, uint BackpackClientIdTag,
    AsterVenue Aster, TimeSpan LighterDeadManCountdown, bool ReadOnly = false, int? LighterApiKeyIndex = null)
{
    /// <summary>An instance's settings, for its run.</summary>
    public static VenueSettings Of(ValidatedSpec spec) =>
        new(spec.Name, spec.Paper, spec.BackpackMarginFlags, spec.BackpackClientIdTag, spec.Aster, spec.LighterDeadManCountdown,
            LighterApiKeyIndex: spec.LighterApiKeyIndex);

    /// <summary>These settings for a look at the account: the switches off, the paper clock stopped.</summary>
    public VenueSettings ForReading() =>
        this with { Aster = Aster with { DeadManCountdown = TimeSpan.Zero }, LighterDeadManCountdown = TimeSpan.Zero, ReadOnly = true };
}
