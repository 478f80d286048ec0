using GrpcMM.Protos.V1;

namespace Mmd.Specs;

/// <summary>
/// What two instances on one account must not share: the client-id tag their venue's numeric order ids carry. Two with
/// one tag would take each other's orders for their own (adopt them, cancel them). The daemon refuses the second such
/// instance; `mmd check` says so of a folder of specs meant to run side by side.
/// </summary>
public static class InstanceConflicts
{
    /// <summary>The field <paramref name="candidate"/> would clash on beside <paramref name="others"/> (name and spec each); null when none.</summary>
    public static FieldViolation? Find(ValidatedSpec candidate, IEnumerable<(string Name, InstanceSpec Spec)> others)
    {
        foreach (var (name, spec) in others)
        {
            if (name == candidate.Name) continue;
            if (candidate.Uses("backpack") && SpecValidator.TradesOn(spec, "backpack") && SpecValidator.BackpackTagOf(spec.Backpack, name) == candidate.BackpackClientIdTag)
                return new FieldViolation("backpack.client_id_tag",
                    $"client-id tag {candidate.BackpackClientIdTag} is already used by instance '{name}'; set backpack.client_id_tag to another value (1-1023)");
            if (candidate.Uses("lighter") && SpecValidator.TradesOn(spec, "lighter") && LighterTagOf(name) == LighterTagOf(candidate.Name))
                return new FieldViolation("name",
                    $"on Lighter, '{candidate.Name}' would number its orders in the client-id tag of instance '{name}' ({LighterTagOf(name)}, a hash of the name); choose another name");
        }
        return null;
    }

    private static uint LighterTagOf(string name) => Exchanges.Shared.NumericClientIds.DefaultTag(name, Exchanges.Lighter.LighterConnector.MaxTag);
}
